"""Exchange packages between the work group's laptops: pack, check and merge."""
