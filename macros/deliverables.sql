{#- Deliverable writing on engines without Python models (the DuckDB target writes them in
    models/exports/deliverables.py). -#}

{% macro deliverables_path(name) -%}
    {%- set out_dir = var('deliverables_dir') -%}
    {{ return(project_path(out_dir) ~ '/' ~ var('dataset_name') ~ '_' ~ name) }}
{%- endmacro %}


{% macro write_deliverable(name, file_format, select_sql) -%}
    {#- Writes one deliverable from a query whose rows are in file order. -#}
    {{ return(adapter.dispatch('write_deliverable', 'vl_clean')(name, file_format, select_sql)) }}
{%- endmacro %}

{% macro default__write_deliverable(name, file_format, select_sql) -%}
    {{ exceptions.raise_compiler_error(
        "target " ~ target.name ~ " (" ~ target.type ~ ") cannot write files: the export_* tables"
        ~ " are its deliverables; unload them with the engine's own tools") }}
{%- endmacro %}

{% macro spark__write_deliverable(name, file_format, select_sql) -%}
    {#- Spark writes a folder per deliverable holding one part file (COALESCE(1) keeps the
        sorted order) through its output committer: readers never see a half-written file. -#}
    {%- set options = {'csv': "header 'true', escape '\"', emptyValue ''",
                       'parquet': "compression 'snappy'", 'text': "compression 'none'"} -%}
    {%- do run_query(
        "insert overwrite directory " ~ sql_string(deliverables_path(name))
        ~ " using " ~ file_format ~ " options (" ~ options[file_format] ~ ")"
        ~ " select /*+ COALESCE(1) */ * from (" ~ select_sql ~ ") as file_rows") -%}
{%- endmacro %}


{% macro export_columns(relation) -%}
    {#- An export's columns in order, without sort_order (the file's row order). -#}
    {{ return(adapter.get_columns_in_relation(relation) | map(attribute='name')
              | reject('equalto', 'sort_order') | list) }}
{%- endmacro %}


{% macro write_sql_engine_deliverables(tables, id_lists) -%}
    {#- The post-hook of the SQL deliverables model: every file, then a no-op statement.
        dbt renders hooks at parse time too; files are written only when the model runs. -#}
    {%- if not execute -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- for name, model_name in tables.items() -%}
        {%- set relation = ref(model_name) -%}
        {%- do write_deliverable(name, name.rsplit('.', 1)[1],
            "select " ~ (export_columns(relation) | join(', ')) ~ " from " ~ relation
            ~ " order by sort_order") -%}
    {%- endfor -%}
    {%- for name, model_name in id_lists.items() -%}
        {%- do write_deliverable(name, 'text',
            "select image_id from " ~ ref(model_name) ~ " order by sort_order") -%}
    {%- endfor -%}
    {%- do write_deliverable('relabel_map.json', 'text',
        "select coalesce(to_json(map_from_entries(transform(array_sort(collect_list(struct(sort_order, "
        ~ "struct(image_id, new_class_index) as entry))), ordered -> ordered.entry)), " ~ json_options() ~ "), '{}') from "
        ~ ref('export_relabel_map')) -%}
    {%- do write_deliverable('summary.json', 'text', summary_json_sql()) -%}
    {%- do write_deliverable('summary.md', 'text', summary_markdown_sql()) -%}
    {%- do write_deliverable('review_queue.json', 'text', review_queue_json_sql()) -%}
    select 1
{%- endmacro %}


{% macro json_options() -%}
    {#- Nulls are written, as the DuckDB target's JSON files have them. -#}
    map('ignoreNullFields', 'false')
{%- endmacro %}


{% macro summary_json_sql() -%}
    select to_json(named_struct(
        'dataset', {{ sql_string(var('dataset_name')) }},
        'duplicate_threshold', cast({{ var('duplicate_threshold') }} as double),
        {#- Maps cannot be compared, so the figures are sorted by their first sort_order. #}
        'figures', map_from_entries(transform(array_sort(collect_list(struct(first_order, metric, breakdowns)),
            (left_figure, right_figure) -> case
                when left_figure.first_order < right_figure.first_order then -1
                when left_figure.first_order > right_figure.first_order then 1
                else 0
            end),
            figure -> struct(figure.metric, figure.breakdowns)))), {{ json_options() }})
    from (
        select
            metric,
            min(sort_order) as first_order,
            map_from_entries(transform(array_sort(collect_list(struct(sort_order, breakdown, figure_value))),
                entry -> struct(entry.breakdown, entry.figure_value))) as breakdowns
        from {{ ref('cleaning_summary') }}
        group by metric
    ) as figures
{%- endmacro %}


{% macro summary_markdown_sql() -%}
    {#- The lines of _summary.md, as deliverables.py writes them, in file order. -#}
    {%- set header = ['# Cleaning summary: ' ~ var('dataset_name'), '',
                      'Duplicate threshold: ' ~ (var('duplicate_threshold') | float), '',
                      '| figure | breakdown | value | what it counts |', '| --- | --- | ---: | --- |'] -%}
    select line from (
        {%- for line in header %}
        select {{ loop.index }} as line_order, {{ sql_string(line) }} as line
        union all
        {%- endfor %}
        select
            {{ header | length }} + cast(row_number() over (order by sort_order) as int) as line_order,
            concat('| ', metric, ' | ', breakdown, ' | ', format_number(figure_value, 0), ' | ', description, ' |') as line
        from {{ ref('cleaning_summary') }}
    ) as summary_lines
    order by line_order
{%- endmacro %}


{% macro review_queue_json_sql() -%}
    {%- set item_columns = export_columns(ref('export_review_queue')) -%}
    {%- set member_columns = adapter.get_columns_in_relation(ref('review_queue_members'))
        | map(attribute='name') | reject('in', ['queue_item_id', 'member_order']) | list -%}
    select to_json(named_struct(
        'dataset', {{ sql_string(var('dataset_name')) }},
        'items', coalesce(transform(array_sort(collect_list(struct(items.sort_order, struct(
            {%- for column in item_columns %} items.{{ column }},{% endfor %}
            coalesce(members.members, array()) as members) as item))), ordered -> ordered.item), array())),
        {{ json_options() }})
    from {{ ref('export_review_queue') }} as items
    left join (
        select
            queue_item_id,
            transform(array_sort(collect_list(struct(member_order, struct(
                {%- for column in member_columns %} {{ column }}{{ ',' if not loop.last }}{% endfor %}) as member))),
                ordered -> ordered.member) as members
        from {{ ref('review_queue_members') }}
        group by queue_item_id
    ) as members
        on items.queue_item_id = members.queue_item_id
{%- endmacro %}
