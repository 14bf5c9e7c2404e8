"""nohaven: the operating platform of an international alliance against online child sexual
exploitation."""
