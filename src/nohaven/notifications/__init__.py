"""An organisation's inbox: notices other domains send to an organisation (hits, notifications,
meeting papers), read and marked by its users."""
