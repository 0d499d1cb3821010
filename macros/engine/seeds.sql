{#- Loading the seeds, where engines differ. dbt-spark's own loader hands
    each value to its session connection as a binding, which quotes it
    without escaping (Apple Inc.'s breaks the statement) and writes an empty
    cell as the text 'None'. This one writes every value as a literal: a
    string through ses_string_literal, an empty cell as null. It overrides
    dbt-spark's macro of the same name (dispatched from dbt's load_csv_rows);
    DuckDB keeps its own loader. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set column_types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do column_types.append(column_override.get(column_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- do values.append('cast(' ~ ses_spark_seed_literal(value) ~ ' as ' ~ column_types[loop.index0] ~ ')') -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values ' ~ rows | join(', ') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {#- the first statement, as dbt's loaders return, for the compiled file -#}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}


{#- One value of a seed as agate read it, as a Spark literal. -#}
{% macro ses_spark_seed_literal(value) -%}
    {%- if value is none -%}
        {{ return('null') }}
    {%- elif value is sameas true or value is sameas false -%}
        {{ return('true' if value else 'false') }}
    {%- elif value is number -%}
        {{ return(value | string) }}
    {%- endif -%}
    {{ return(ses_string_literal(value | string)) }}
{%- endmacro %}
