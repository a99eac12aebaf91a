"""A small Prometheus text-format registry: counters and gauges with labels, for /metrics."""

from __future__ import annotations

from collections import defaultdict


class Metrics:
    def __init__(self) -> None:
        self._help: dict[str, tuple[str, str]] = {}
        self._values: dict[str, dict[tuple[tuple[str, str], ...], float]] = defaultdict(dict)

    def describe(self, name: str, kind: str, help_text: str) -> None:
        self._help[name] = (kind, help_text)
        self._values.setdefault(name, {})

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        key = tuple(sorted(labels.items()))
        series = self._values[name]
        series[key] = series.get(key, 0.0) + amount

    def set(self, name: str, value: float, **labels: str) -> None:
        self._values[name][tuple(sorted(labels.items()))] = value

    def value(self, name: str, **labels: str) -> float:
        return self._values[name].get(tuple(sorted(labels.items())), 0.0)

    def render(self) -> str:
        lines: list[str] = []
        for name, series in sorted(self._values.items()):
            kind, help_text = self._help.get(name, ("untyped", ""))
            lines.append(f"# HELP {name} {help_text}")
            lines.append(f"# TYPE {name} {kind}")
            for labels, value in sorted(series.items()):
                label_text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
                lines.append(f"{name}{{{label_text}}} {value:g}" if label_text else f"{name} {value:g}")
        return "\n".join(lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def standard_metrics() -> Metrics:
    metrics = Metrics()
    metrics.describe("alongside_http_requests_total", "counter", "HTTP requests by route and status.")
    metrics.describe("alongside_socket_connections", "gauge", "Open Socket.IO connections on this process.")
    metrics.describe("alongside_socket_events_total", "counter", "Socket.IO events handled, by event and outcome.")
    metrics.describe("alongside_messages_stored_total", "counter", "Chat messages stored by this process.")
    metrics.describe("alongside_refusals_total", "counter", "Requests refused, by error code.")
    metrics.describe(
        "alongside_send_batches_total", "counter", "Send transactions that stored messages (group commit)."
    )
    metrics.describe("alongside_send_batch_messages_total", "counter", "Messages stored by those transactions.")
    metrics.describe(
        "alongside_redis_publish_errors_total",
        "counter",
        "Room events that did not reach Redis (timed out, or dropped by the manager); clients catch up by watermark.",
    )
    return metrics


def send_batch_figures(metrics: Metrics, flushes: int, stored: int) -> None:
    """rooms.send_batch.SendBatcher's counts, read when scraped: messages / batches is the mean batch size."""
    metrics.set("alongside_send_batches_total", flushes)
    metrics.set("alongside_send_batch_messages_total", stored)
