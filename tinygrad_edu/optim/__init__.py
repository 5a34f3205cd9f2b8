"""Optimizers with torch.optim's update rules and defaults, and learning-rate schedules."""
