"""A deterministic generator of Amazon SES event data with exact ground truth.

`generate(GeneratorConfig(out_dir=...))` writes raw events in the Kinesis
Firehose S3 layout, the company's send log, and the answers a correct
pipeline must report. See `scripts/generate_ses_data.py --help`.
"""

from .config import GeneratorConfig
from .generator import RunSummary, generate

__all__ = ["GeneratorConfig", "RunSummary", "generate"]
