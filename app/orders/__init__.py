"""Orders: placing, paying, shipping, cancelling and refunding, through one state machine."""
