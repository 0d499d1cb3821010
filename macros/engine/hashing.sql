{#- Hashing, where engines differ: fast non-cryptographic hashes for keys
    that are computed from content. -#}

{#- A 128-bit identifier from two groups of expressions, each hashed to 64
    bits: `scope` (e.g. the message id) in the high half, `content` in the
    low half. Two different rows share an id only if both halves collide;
    rows of one scope (one message) need the 64-bit content hashes to
    collide. See DECISIONLOG.md, "Event identity". -#}
{% macro ses_hash128(scope, content) -%}
    {{ return(adapter.dispatch('ses_hash128', 'ses_analytics')(scope, content)) }}
{%- endmacro %}

{% macro default__ses_hash128(scope, content) -%}
    ((cast(hash({{ scope | join(', ') }}) as uhugeint) << 64) + hash({{ content | join(', ') }}))
{%- endmacro %}

{#- Spark has no 128-bit integer: 32 hex digits, the two 64-bit xxHash64
    halves in order, so ids sort as the number would. -#}
{% macro spark__ses_hash128(scope, content) -%}
    concat(lpad(hex(xxhash64({{ scope | join(', ') }})), 16, '0'), lpad(hex(xxhash64({{ content | join(', ') }})), 16, '0'))
{%- endmacro %}


{#- The type ses_hash128 gives. -#}
{% macro ses_hash128_type() -%}
    {{ return(adapter.dispatch('ses_hash128_type', 'ses_analytics')()) }}
{%- endmacro %}

{% macro default__ses_hash128_type() -%}
    uhugeint
{%- endmacro %}

{% macro spark__ses_hash128_type() -%}
    string
{%- endmacro %}


{#- An aggregate: the sum of the rows' ses_hash of `expressions`, as text. A
    sum ignores the rows' order, so it tells whether a group's content
    changed. -#}
{% macro ses_hash_sum(expressions) -%}
    {{ return(adapter.dispatch('ses_hash_sum', 'ses_analytics')(expressions)) }}
{%- endmacro %}

{% macro default__ses_hash_sum(expressions) -%}
    cast(
        sum({{ ses_hash(expressions) }})
        as {{ dbt.type_string() }}
    )
{%- endmacro %}

{#- Spark hashes no map (the send log's request_attributes): the expressions
    are hashed as one JSON text. A sum of 64-bit hashes overflows a bigint,
    an error in Spark's ANSI mode: summed as decimals. -#}
{% macro spark__ses_hash_sum(expressions) -%}
    {%- set fields = [] -%}
    {%- for expression in expressions -%}
        {%- do fields.append("'" ~ loop.index ~ "', " ~ expression) -%}
    {%- endfor -%}
    cast(sum(cast({{ ses_hash([ses_hashable_struct('named_struct(' ~ fields | join(', ') ~ ')')]) }} as decimal(38, 0))) as string)
{%- endmacro %}


{#- A 64-bit hash of one or more expressions together: for telling whether a
    text or a row changed, never as an identity on its own. -#}
{% macro ses_hash(expressions) -%}
    {{ return(adapter.dispatch('ses_hash', 'ses_analytics')(expressions)) }}
{%- endmacro %}

{% macro default__ses_hash(expressions) -%}
    hash({{ expressions | join(', ') }})
{%- endmacro %}

{% macro spark__ses_hash(expressions) -%}
    xxhash64({{ expressions | join(', ') }})
{%- endmacro %}


{#- A struct column in a form the engine's hash takes: Spark's xxhash64
    refuses a struct that holds a map (a click's link tags), so it hashes
    the struct's JSON. -#}
{% macro ses_hashable_struct(struct_column) -%}
    {{ return(adapter.dispatch('ses_hashable_struct', 'ses_analytics')(struct_column)) }}
{%- endmacro %}

{% macro default__ses_hashable_struct(struct_column) -%}
    {{ struct_column }}
{%- endmacro %}

{% macro spark__ses_hashable_struct(struct_column) -%}
    to_json({{ struct_column }})
{%- endmacro %}
