"""The CNN-LSTM with attention (PyTorch): a week of hourly features in, 48 hours of quantiles out.

Two Conv1d layers read local shapes (the second halves the sequence), two LSTM layers
read the week, attention weighs the LSTM's states by the last one, and a small head
adds what is known about the hours to forecast (calendar, exogenous forecasts). The
median is learnt as a change from the same hour of the last known day; the bands as
positive distances from the median, so the three quantiles never cross.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional
from tqdm import tqdm

from custom_components.price_optimizer.core.forecast.features import (
    HISTORY_FEATURES,
    HORIZON_FEATURES,
    HORIZON_HOURS,
)
from custom_components.price_optimizer.core.forecast.network import QUANTILES, SKIP_FEATURE


@dataclass(frozen=True)
class NetworkConfig:
    """Sizes and training schedule of the network."""

    channels: int = 24
    hidden: int = 32
    horizon_embedding: int = 64
    head: int = 128
    epochs: int = 20
    batch_size: int = 512
    learning_rate: float = 3e-3
    weight_decay: float = 1e-5
    seed: int = 7

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-safe form."""
        return asdict(self)


class CnnLstm(nn.Module):
    """See the module docstring; names match the numpy runtime's weight names."""

    def __init__(self, config: NetworkConfig) -> None:
        """Build the layers."""
        super().__init__()
        self.conv1 = nn.Conv1d(len(HISTORY_FEATURES), config.channels, 3, padding=1)
        self.conv2 = nn.Conv1d(config.channels, config.channels, 3, stride=2, padding=1)
        self.lstm = nn.LSTM(config.channels, config.hidden, num_layers=2, batch_first=True)
        self.attention = nn.Linear(config.hidden, config.hidden)
        self.horizon = nn.Linear(HORIZON_HOURS * len(HORIZON_FEATURES), config.horizon_embedding)
        self.head1 = nn.Linear(2 * config.hidden + config.horizon_embedding, config.head)
        self.head2 = nn.Linear(config.head, HORIZON_HOURS * len(QUANTILES))
        self.attention_scale = math.sqrt(config.hidden)

    def forward(self, sequence: torch.Tensor, horizon: torch.Tensor) -> torch.Tensor:
        """Return [batch, HORIZON_HOURS, 3] quantiles in model units."""
        signal = functional.relu(self.conv1(sequence.transpose(1, 2)))
        signal = functional.relu(self.conv2(signal)).transpose(1, 2)
        states, _ = self.lstm(signal)
        last = states[:, -1]
        query = self.attention(last)
        scores = torch.einsum("bth,bh->bt", states, query) / self.attention_scale
        attention = torch.softmax(scores, dim=1)
        context = torch.einsum("bt,bth->bh", attention, states)
        future = functional.relu(self.horizon(horizon.flatten(1)))
        hidden = functional.relu(self.head1(torch.cat((last, context, future), dim=1)))
        raw = self.head2(hidden).view(-1, HORIZON_HOURS, len(QUANTILES))
        median = raw[:, :, 1] + horizon[:, :, SKIP_FEATURE]
        lower = median - functional.softplus(raw[:, :, 0])
        upper = median + functional.softplus(raw[:, :, 2])
        return torch.stack((lower, median, upper), dim=2)


def pinball_loss(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Return the mean quantile loss of the three outputs."""
    levels = torch.tensor(QUANTILES, dtype=predicted.dtype)
    error = target.unsqueeze(-1) - predicted
    return torch.maximum(levels * error, (levels - 1.0) * error).mean()


def train_network(
    config: NetworkConfig,
    train: tuple[np.ndarray, np.ndarray, np.ndarray],
    validation: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
    progress: bool = True,
) -> tuple[CnnLstm, list[dict[str, float]]]:
    """Fit on (sequence, horizon, target) arrays; keep the epoch best on validation."""
    torch.manual_seed(config.seed)
    generator = np.random.default_rng(config.seed)
    model = CnnLstm(config)
    optimiser = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    steps_per_epoch = max(1, math.ceil(train[0].shape[0] / config.batch_size))
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=config.learning_rate, total_steps=config.epochs * steps_per_epoch
    )
    tensors = [torch.from_numpy(array.astype(np.float32)) for array in train]
    held_out = (
        [torch.from_numpy(array.astype(np.float32)) for array in validation]
        if validation is not None
        else None
    )
    best_state = {k: v.clone() for k, v in model.state_dict().items()}
    best_loss = math.inf
    history = []
    for epoch in range(config.epochs):
        model.train()
        order = torch.from_numpy(generator.permutation(tensors[0].shape[0]))
        total = 0.0
        bar = tqdm(range(steps_per_epoch), desc=f"CNN-LSTM epoch {epoch + 1}", disable=not progress)
        for step in bar:
            batch = order[step * config.batch_size : (step + 1) * config.batch_size]
            loss = pinball_loss(model(tensors[0][batch], tensors[1][batch]), tensors[2][batch])
            optimiser.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            total += loss.item()
            bar.set_postfix(loss=total / (step + 1))
        record = {"epoch": epoch + 1, "train_loss": total / steps_per_epoch}
        if held_out is not None:
            record["validation_loss"] = evaluate_loss(model, held_out)
            if record["validation_loss"] < best_loss:
                best_loss = record["validation_loss"]
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
        history.append(record)
    if held_out is not None:
        model.load_state_dict(best_state)
    model.eval()
    return model, history


@torch.no_grad()
def evaluate_loss(model: CnnLstm, data: list[torch.Tensor]) -> float:
    """Return the pinball loss over ``data`` in batches."""
    model.eval()
    losses = []
    for start in range(0, data[0].shape[0], 1024):
        part = slice(start, start + 1024)
        losses.append(
            float(pinball_loss(model(data[0][part], data[1][part]), data[2][part]))
            * data[0][part].shape[0]
        )
    return sum(losses) / data[0].shape[0]


@torch.no_grad()
def predict_torch(model: CnnLstm, sequence: np.ndarray, horizon: np.ndarray) -> np.ndarray:
    """Return the network's quantiles for numpy inputs (float32 inside)."""
    model.eval()
    output = model(
        torch.from_numpy(sequence.astype(np.float32)), torch.from_numpy(horizon.astype(np.float32))
    )
    return output.numpy().astype(np.float64)


def weight_arrays(model: CnnLstm) -> dict[str, np.ndarray]:
    """Return the state dict as float32 numpy arrays, for the numpy runtime."""
    return {
        name: tensor.detach().numpy().astype(np.float32)
        for name, tensor in model.state_dict().items()
    }
