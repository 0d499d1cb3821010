{#- IPv4 addresses and CIDR blocks as integers, in plain SQL (split_part,
    translate, length, cast), so the same text runs on any engine: no
    regular expression and no try_cast. Text that is not what it should be
    gives null, which matches no range. IPv6 is not handled. -#}

{#- Text of 1 to `max_digits` decimal digits as a bigint; null for anything
    else (empty, a sign, a space, a letter). The cast is reached only for
    digits, so it cannot fail. -#}
{% macro ses_unsigned_integer(text_column, max_digits) -%}
    case
        when
            length({{ text_column }}) between 1 and {{ max_digits }}
            and translate({{ text_column }}, '0123456789', '') = ''
            then cast({{ text_column }} as bigint)
    end
{%- endmacro %}


{#- A dotted IPv4 address (a.b.c.d, each 0 to 255 in 1 to 3 digits) as the
    integer a * 2^24 + b * 2^16 + c * 2^8 + d; null for anything else (IPv6,
    a masked value, five parts, a trailing dot, spaces). -#}
{% macro ses_ipv4_to_integer(text_column) -%}
    {%- set octets = [] -%}
    {%- set octet_lengths = [] -%}
    {%- for part_number in range(1, 5) -%}
        {%- set part = "split_part(" ~ text_column ~ ", '.', " ~ part_number ~ ")" -%}
        {%- do octets.append(ses_unsigned_integer(part, 3)) -%}
        {%- do octet_lengths.append('length(' ~ part ~ ')') -%}
    {%- endfor -%}
    case
        {# four parts and three dots make up the whole text #}
        when length({{ text_column }}) = {{ octet_lengths | join(' + ') }} + 3
            then case
                when {% for octet in octets %}{{ octet }} <= 255{{ ' and ' if not loop.last }}{% endfor %}
                    then (({{ octets[0] }} * 256 + {{ octets[1] }}) * 256 + {{ octets[2] }}) * 256 + {{ octets[3] }}
            end
    end
{%- endmacro %}


{#- The first or last address (`bound`: 'first' or 'last') of an IPv4 CIDR
    block written a.b.c.d/n (n from 0 to 32), as an integer comparable with
    ses_ipv4_to_integer; host bits set in a.b.c.d are ignored (17.1.2.3/8 is
    17.0.0.0/8). Null for anything that is not such a block. -#}
{% macro ses_ipv4_cidr_address(cidr_column, bound) -%}
    {%- if bound not in ['first', 'last'] -%}
        {{ exceptions.raise_compiler_error("ses_ipv4_cidr_address: bound must be 'first' or 'last', not '" ~ bound ~ "'") }}
    {%- endif -%}
    {%- set address_text = "split_part(" ~ cidr_column ~ ", '/', 1)" -%}
    {%- set prefix_text = "split_part(" ~ cidr_column ~ ", '/', 2)" -%}
    {%- set address = ses_ipv4_to_integer(address_text) -%}
    {%- set prefix_length = ses_unsigned_integer(prefix_text, 2) -%}
    {%- set block_size = 'cast(power(2, 32 - ' ~ prefix_length ~ ') as bigint)' -%}
    case
        {# one address, one slash and a prefix of at most 32 #}
        when
            length({{ cidr_column }}) = length({{ address_text }}) + length({{ prefix_text }}) + 1
            and {{ prefix_length }} <= 32
            then {{ address }} - {{ address }} % {{ block_size }}
            {%- if bound == 'last' %} + {{ block_size }} - 1{% endif %}
    end
{%- endmacro %}
