"""`ovote ...` commands: `server` holds the app's, the other modules the ones that build no
app (`ovote vote`, `ovote trustee`, `ovote verify`); nothing is imported here so that
those run without Flask."""
