# Models of this app are added by the engineer who owns it.
