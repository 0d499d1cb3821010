"""Write every view a Spark build made to Parquet, so the harness can read
the views as it reads the tables: `python spark_views_to_parquet.py
WAREHOUSE OUTPUT` (run with the Spark virtualenv's python).

A view on Spark lives only in the metastore (its SQL): this opens the
build's warehouse and Derby metastore the way the `spark` target does
(profiles.yml) and writes `select * from` each view in the project's
schemas to OUTPUT/<schema>.db/<view>/.
"""

from __future__ import annotations

import sys

from pyspark.sql import SparkSession


def main(warehouse: str, output: str) -> None:
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", warehouse)
        .config("spark.hadoop.javax.jdo.option.ConnectionURL", f"jdbc:derby:;databaseName={warehouse}/metastore_db;create=true")
        .enableHiveSupport()
        .getOrCreate()
    )
    for (schema,) in spark.sql("show schemas like 'main_ses_*'").collect():
        for view in spark.sql(f"show views in {schema}").collect():
            spark.table(f"{schema}.{view.viewName}").write.mode("overwrite").parquet(
                f"{output}/{schema}.db/{view.viewName}"
            )
    spark.stop()


if __name__ == "__main__":
    main(*sys.argv[1:3])
