{#- One row per build: the release log. Incremental (append): each `dbt build` adds its own
    row and never rewrites the earlier ones (a --full-refresh starts the log again). -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns') }}

{%- set release_vars = {} %}
{%- for name in ['dataset_name', 'vl_path_prefix', 'vl_label_sources', 'class_list_seed',
                 'duplicate_threshold', 'near_duplicate_threshold', 'cluster_merge_rounds',
                 'unknown_split_policy', 'multi_label_policy', 'clear_mislabel_confidence',
                 'train_removal_policy', 'required_reviews', 'adjudicators'] %}
    {%- do release_vars.update({name: var(name)}) %}
{%- endfor %}

with input_files as (
    select concat(input_kind, ' ', display_path, ' ', sha256) as input_file
    from {{ ref('stg_inputs__files') }}
),

figures as (
    select
        metric,
        figure_value
    from {{ ref('cleaning_summary') }}
    where breakdown = 'all'
)

select
    '{{ invocation_id }}' as release_id,
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
        as released_at,
    (select {{ sorted_string_agg('input_file') }} from input_files) as input_hashes,
    {{ sql_string(tojson(release_vars, sort_keys=true)) }} as release_vars,
    {%- for metric in ['total_samples', 'duplicate_clusters', 'leaked_val_images',
                       'multi_label_clusters', 'final_removals', 'images_to_relabel', 'clean_size'] %}
        cast((
            select max(figure_value) from figures
            where metric = '{{ metric }}'
        ) as bigint)
            as {{ metric }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
