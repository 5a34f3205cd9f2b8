"""Placeholder: filled in by this change (jacobian, hessian, vjp, jvp, hvp, vhp)."""
