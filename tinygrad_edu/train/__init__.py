"""Training: a fit() loop that records a History, evaluation, and the learning-rate range test.

    history = tg.train.fit(model, nn.CrossEntropyLoss(), optimizer, train_loader, epochs=10,
                           val_loader=test_loader)
    history.plot("out/curves.png")
    result = tg.train.lr_range_test(model, loss_fn, optimizer, train_loader)
    result.suggested_lr

Callbacks run inside fit (Keras's habit): EarlyStopping, ModelCheckpoint,
LearningRateMonitor, or your own subclass of Callback.
"""
from .callbacks import Callback, EarlyStopping, LearningRateMonitor, ModelCheckpoint
from .history import History
from .loop import DivergedError, accuracy, evaluate, fit
from .lr_finder import LRRangeResult, lr_range_test

__all__ = ["fit", "evaluate", "accuracy", "History", "DivergedError",
           "lr_range_test", "LRRangeResult",
           "Callback", "EarlyStopping", "ModelCheckpoint", "LearningRateMonitor"]
