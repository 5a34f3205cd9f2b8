"""The built-in differentiable ops, one small Function subclass each, a file per family."""
