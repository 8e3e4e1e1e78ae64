"""Printed outputs: the evidence binder, archive labels, and the fonts, pictures and text they use."""
