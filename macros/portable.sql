{#- Engine-neutral helpers. Shared models use only these and the dbt.* cross-db macros. -#}

{% macro sorted_string_agg(expression, separator=';', distinct=false) -%}
    {#- A deterministic list: Spark ignores listagg's order, so every engine sorts here. -#}
    {{ return(adapter.dispatch('sorted_string_agg', 'vl_clean')(expression, separator, distinct)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, separator, distinct) -%}
    array_join(array_sort({{ 'collect_set' if distinct else 'collect_list' }}({{ expression }})), '{{ separator }}')
{%- endmacro %}

{% macro duckdb__sorted_string_agg(expression, separator, distinct) -%}
    string_agg({{ 'distinct ' if distinct }}{{ expression }}, '{{ separator }}' order by {{ expression }})
{%- endmacro %}

{% macro trino__sorted_string_agg(expression, separator, distinct) -%}
    array_join(array_sort(array_agg({{ 'distinct ' if distinct }}{{ expression }})), '{{ separator }}')
{%- endmacro %}


{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'vl_clean')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro trino__regex_matches(expression, pattern) -%}
    regexp_like({{ expression }}, '{{ pattern }}')
{%- endmacro %}


{% macro regex_extract(expression, pattern, group=1) -%}
    {{ return(adapter.dispatch('regex_extract', 'vl_clean')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}


{% macro is_number(expression) -%}
    {#- Text that is a plain non-negative integer (a class index). -#}
    {{ regex_matches(expression, '^[0-9]+$') }}
{%- endmacro %}


{% macro csv_safe(expression) -%}
    {#- Input text that a spreadsheet would run as a formula gets a leading apostrophe. -#}
    case
        when substr({{ expression }}, 1, 1) in ('=', '+', '-', '@', chr(9), chr(13))
            then concat('''', {{ expression }})
        else {{ expression }}
    end
{%- endmacro %}


{% macro threshold_equals(expression, value) -%}
    {#- Thresholds are floats in the export: compare with a tolerance, not =. -#}
    abs(cast({{ expression }} as {{ dbt.type_float() }}) - {{ value }}) < 0.0000001
{%- endmacro %}


{% macro fraction(numerator, denominator) -%}
    {#- Cast to double before dividing: Trino truncates integer division, float is 4 bytes. -#}
    case when {{ denominator }} = 0 then null
        else cast({{ numerator }} as double) / cast({{ denominator }} as double)
    end
{%- endmacro %}


{% macro count_where(condition) -%}
    {#- Rows meeting a condition, as a bigint on every engine. -#}
    cast(sum(case when {{ condition }} then 1 else 0 end) as bigint)
{%- endmacro %}


{% macro empty_select(columns) -%}
    {#- What a model over an optional input that is absent selects: its columns, typed, and
        no rows, so the models downstream need no branch of their own. `columns` is a list
        of [name, type]; type `string`, `boolean` or `timestamp` is dbt's cross-database
        type, anything else is used as written (bigint, double). -#}
    {%- set cross_database = {'string': dbt.type_string(), 'boolean': dbt.type_boolean(),
                              'timestamp': dbt.type_timestamp()} %}
select
    {%- for name, type in columns %}
    cast(null as {{ cross_database.get(type, type) }}) as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
where false
{%- endmacro %}
