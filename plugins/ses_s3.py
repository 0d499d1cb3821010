"""dbt-duckdb plugin for the `s3` profile target: lets DuckDB read `s3://`
locations through s3fs, and lists objects with errors a person can act on.

Credentials, region and endpoint come from botocore's standard chain
(environment variables, shared config and credentials files, `AWS_PROFILE`,
SSO, container and instance roles, `AWS_ENDPOINT_URL`), exactly as the AWS
CLI finds them; the profile may override the region, endpoint or profile
name but never holds a secret.

Listing goes through a SQL function, `ses_s3_list_objects(location,
setting_name)`, rather than DuckDB's `glob()`: fsspec's glob also returns
the "directories" implied by key prefixes, and an error raised inside a
filesystem call reaches dbt as a Python traceback, whereas an error raised
by a function reaches it as one line.
"""

from __future__ import annotations

from typing import Any

import duckdb
import s3fs
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb.sqltypes import VARCHAR

SCHEME = "s3://"
GLOB_CHARACTERS = ("*", "?", "[")
# Keys of the profile's plugin config that are ours (dbt-duckdb also passes
# the profile's DuckDB settings, such as threads, in the same dictionary).
CONFIG_KEYS = ("endpoint_url", "region", "profile")


class S3LocationError(Exception):
    """A configured S3 location cannot be listed; the message says which and why."""


def s3_filesystem(config: dict[str, Any]) -> s3fs.S3FileSystem:
    """An s3fs filesystem; options left empty are decided by the AWS chain."""
    options = {key: config.get(key) or None for key in CONFIG_KEYS}
    client_kwargs = {"region_name": options["region"]} if options["region"] else {}
    return s3fs.S3FileSystem(
        endpoint_url=options["endpoint_url"],
        profile=options["profile"],
        client_kwargs=client_kwargs,
    )


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def describe_failure(error: Exception, location: str) -> str:
    """The cause of a failed listing, in words that point at the fix."""
    bucket = location.removeprefix(SCHEME).split("/", 1)[0]
    if isinstance(error, NoCredentialsError):
        return "no AWS credentials found (environment, shared credentials file, AWS_PROFILE or instance role)"
    if isinstance(error, PermissionError):
        return f"access denied ({one_line(error)}): the credentials may not list bucket {bucket}"
    if isinstance(error, FileNotFoundError):
        return f"bucket {bucket} does not exist ({one_line(error)})"
    if isinstance(error, BotoCoreError):
        return f"cannot reach the S3 endpoint ({one_line(error)}): check AWS_ENDPOINT_URL and the region"
    return f"{type(error).__name__}: {one_line(error)}"


def list_objects(filesystem: s3fs.S3FileSystem, location: str) -> list[str]:
    """Every object a location names, as `s3://bucket/key`: a glob's matches,
    a prefix's objects at any depth, or a single object. Raises
    S3LocationError when the location cannot be listed or names nothing."""
    try:
        if any(character in location for character in GLOB_CHARACTERS):
            entries = filesystem.glob(location, detail=True)
        else:
            entries = filesystem.find(location, detail=True)
    except (OSError, BotoCoreError, ClientError) as error:
        raise S3LocationError(f"{location}: {describe_failure(error, location)}") from None
    objects = sorted(SCHEME + name for name, info in entries.items() if info.get("type") == "file")
    if not objects:
        raise S3LocationError(f"{location}: no objects found (no such prefix, or nothing written there yet)")
    return objects


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self._filesystem = s3_filesystem(plugin_config)

    def configure_connection(self, conn: duckdb.DuckDBPyConnection) -> None:
        conn.register_filesystem(self._filesystem)
        conn.create_function(
            "ses_s3_list_objects",
            self._list_objects,
            [VARCHAR, VARCHAR],
            duckdb.list_type(VARCHAR),
            side_effects=True,
        )

    def _list_objects(self, location: str, setting_name: str) -> list[str]:
        try:
            return list_objects(self._filesystem, location)
        except S3LocationError as error:
            raise S3LocationError(f"{setting_name} {error}") from None
