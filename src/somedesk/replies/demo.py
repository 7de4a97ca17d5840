def load(organisation, stdout):  # filled in below
    return None
