"""Every op: its forward, its VJP rules and (room for) its JVP rule, in one declaration each."""
