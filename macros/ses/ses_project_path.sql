{#- A path from a setting, relative ones taken from the project folder, so
    that dbt reads the same files whichever folder it runs from
    (`cd /tmp && dbt build --project-dir /path/to/project ...`): DuckDB
    itself resolves a relative path against the folder dbt runs in.
    Absolute paths, remote locations (s3://...) and the empty path (a setting
    that is off) are returned as given. -#}
{% macro ses_project_path(path) -%}
    {%- set path = path | string -%}
    {%- set project_dir = (invocation_args_dict.get('project_dir') or '.') | string -%}
    {%- if path == '' or path.startswith(('/', '~')) or ses_is_remote(path) -%}
        {{ return(path) }}
    {%- endif -%}
    {%- set path = modules.re.sub('^(\\./)+', '', path) -%}
    {#- run from the project folder with `--project-dir .`: relative is right already -#}
    {%- if project_dir.rstrip('/') in ['', '.'] -%}
        {{ return(path) }}
    {%- endif -%}
    {{ return(project_dir.rstrip('/') ~ '/' ~ path) }}
{%- endmacro %}
