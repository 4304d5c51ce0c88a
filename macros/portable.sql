{#- Engine-neutral helpers. Shared models use only these and the dbt.* cross-db macros. -#}

{% macro sorted_string_agg(expression, separator=';', distinct=false) -%}
    {#- A deterministic list: Spark ignores listagg's order, so every engine sorts here. -#}
    {{ return(adapter.dispatch('sorted_string_agg', 'vl_clean')(expression, separator, distinct)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, separator, distinct) -%}
    {#- Null when every value is null, as string_agg gives (array_join would give ''). -#}
    case when count({{ expression }}) > 0 then
        array_join(array_sort({{ 'collect_set' if distinct else 'collect_list' }}({{ expression }})), {{ sql_string(separator) }})
    end
{%- endmacro %}

{% macro duckdb__sorted_string_agg(expression, separator, distinct) -%}
    string_agg({{ 'distinct ' if distinct }}{{ expression }}, {{ sql_string(separator) }} order by {{ expression }})
{%- endmacro %}

{% macro trino__sorted_string_agg(expression, separator, distinct) -%}
    case when count({{ expression }}) > 0 then
        array_join(array_sort(array_agg({{ 'distinct ' if distinct }}{{ expression }})
            filter (where {{ expression }} is not null)), {{ sql_string(separator) }})
    end
{%- endmacro %}


{% macro regex_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regex_matches', 'vl_clean')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
    ({{ expression }} rlike {{ sql_string(pattern) }})
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, {{ sql_string(pattern) }})
{%- endmacro %}

{% macro trino__regex_matches(expression, pattern) -%}
    regexp_like({{ expression }}, {{ sql_string(pattern) }})
{%- endmacro %}


{% macro regex_extract(expression, pattern, group=1) -%}
    {{ return(adapter.dispatch('regex_extract', 'vl_clean')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regex_extract(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, {{ sql_string(pattern) }}, {{ group }}), '')
{%- endmacro %}


{% macro regex_replace(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, {{ sql_string(pattern) }}, {{ sql_string(replacement) }})
{%- endmacro %}


{% macro list_length(list_expression) -%}
    {#- How many elements a list (array) has. -#}
    {{ return(adapter.dispatch('list_length', 'vl_clean')(list_expression)) }}
{%- endmacro %}

{% macro default__list_length(list_expression) -%}
    {#- Spark's size() of a null list is -1 (legacy sizeOfNull); DuckDB and Trino give null. -#}
    case when {{ list_expression }} is not null then size({{ list_expression }}) end
{%- endmacro %}

{% macro duckdb__list_length(list_expression) -%}
    len({{ list_expression }})
{%- endmacro %}

{% macro trino__list_length(list_expression) -%}
    cardinality({{ list_expression }})
{%- endmacro %}


{% macro select_exploded(relation, columns, list_column, element_name, index_name) -%}
    {#- One row per element of a list column: the given columns, the element and its
        0-based index in the list. -#}
    {{ return(adapter.dispatch('select_exploded', 'vl_clean')(relation, columns, list_column, element_name, index_name)) }}
{%- endmacro %}

{% macro duckdb__select_exploded(relation, columns, list_column, element_name, index_name) -%}
    {#- Select-list unnest with its subscripts: DuckDB zips the two, several times faster
        than a lateral unnest with ordinality. -#}
    select
        {{ columns | join(', ') }},
        unnest({{ list_column }}) as {{ element_name }},
        generate_subscripts({{ list_column }}, 1) - 1 as {{ index_name }}
    from {{ relation }}
{%- endmacro %}

{% macro default__select_exploded(relation, columns, list_column, element_name, index_name) -%}
    select
        {{ columns | join(', ') }},
        posexplode({{ list_column }}) as ({{ index_name }}, {{ element_name }})
    from {{ relation }}
{%- endmacro %}

{% macro trino__select_exploded(relation, columns, list_column, element_name, index_name) -%}
    {#- Each element wrapped in a one-field row: unnest spreads a row's fields into columns,
        and the element must stay one value. -#}
    select
        {{ columns | join(', ') }},
        exploded.{{ element_name }},
        exploded.position_in_list - 1 as {{ index_name }}
    from {{ relation }}
    cross join unnest(transform({{ list_column }}, element -> row(element)))
        with ordinality as exploded ({{ element_name }}, position_in_list)
{%- endmacro %}


{% macro json_field_text(json_expression, key) -%}
    {#- One top-level field of a JSON value, as text (null when absent). -#}
    {{ return(adapter.dispatch('json_field_text', 'vl_clean')(json_expression, key)) }}
{%- endmacro %}

{% macro duckdb__json_field_text(json_expression, key) -%}
    ({{ json_expression }} ->> {{ sql_string(key) }})
{%- endmacro %}

{% macro default__json_field_text(json_expression, key) -%}
    get_json_object({{ json_expression }}, {{ sql_string('$.' ~ key) }})
{%- endmacro %}

{% macro trino__json_field_text(json_expression, key) -%}
    json_extract_scalar({{ json_expression }}, {{ sql_string('$.' ~ key) }})
{%- endmacro %}


{% macro json_scalar_text(json_expression) -%}
    {#- A JSON leaf the reader kept as JSON (so its type can be checked), as text. -#}
    {{ return(adapter.dispatch('json_scalar_text', 'vl_clean')(json_expression)) }}
{%- endmacro %}

{% macro duckdb__json_scalar_text(json_expression) -%}
    json_extract_string({{ json_expression }}, '$')
{%- endmacro %}

{% macro default__json_scalar_text(json_expression) -%}
    {#- Spark's reader already gives such leaves as text. -#}
    {{ json_expression }}
{%- endmacro %}

{% macro trino__json_scalar_text(json_expression) -%}
    json_extract_scalar({{ json_expression }}, '$')
{%- endmacro %}


{% macro json_value_type(json_expression) -%}
    {#- The JSON type of a leaf in DuckDB's names (VARCHAR for a string), for the input checks. -#}
    {{ return(adapter.dispatch('json_value_type', 'vl_clean')(json_expression)) }}
{%- endmacro %}

{% macro duckdb__json_value_type(json_expression) -%}
    json_type({{ json_expression }})
{%- endmacro %}

{% macro default__json_value_type(json_expression) -%}
    {#- Spark's JSON reader turns any scalar it is told is a string into text, so a number
        where a string belongs cannot be told apart there: only absence is reported. -#}
    case when {{ json_expression }} is not null then 'VARCHAR' end
{%- endmacro %}

{% macro trino__json_value_type(json_expression) -%}
    case when json_extract_scalar({{ json_expression }}, '$') is null then null
        when json_format({{ json_expression }}) like '"%' then 'VARCHAR'
        else 'NUMBER'
    end
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


{% macro split_part_at(text_expression, delimiter, position_expression) -%}
    {#- The n-th (1-based) part of text split at a one-character delimiter, null past the
        end; the position may be a column (dbt-spark's split_part takes only a number). -#}
    {{ return(adapter.dispatch('split_part_at', 'vl_clean')(text_expression, delimiter, position_expression)) }}
{%- endmacro %}

{% macro default__split_part_at(text_expression, delimiter, position_expression) -%}
    split_part({{ text_expression }}, {{ sql_string(delimiter) }}, {{ position_expression }})
{%- endmacro %}

{% macro duckdb__split_part_at(text_expression, delimiter, position_expression) -%}
    {{ dbt.split_part(text_expression, sql_string(delimiter), position_expression) }}
{%- endmacro %}

{% macro spark__split_part_at(text_expression, delimiter, position_expression) -%}
    element_at(split({{ text_expression }}, {{ sql_string('[' ~ delimiter ~ ']') }}), cast({{ position_expression }} as int))
{%- endmacro %}
