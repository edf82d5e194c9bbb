"""The public estate: the land and buildings public bodies hold in a place, what they cost, and where they could share."""
