"""The year's plans: task lists read from documents, their targets and measures, and progress."""
