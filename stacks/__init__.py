"""One module per stack: which constructs, wired how, with which outputs."""
