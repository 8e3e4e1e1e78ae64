"""The assessment's frameworks (its indicators in each era) and the evidence each record lacks."""
