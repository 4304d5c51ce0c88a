{#- The deliverables on engines without Python models: a post-hook writes each file from
    its export table (macro write_deliverable: on Spark a folder per file holding one part
    file), after every model and test upstream passed. The model lists what was written. -#}
{%- set tables = {
    'train_test_leaks.csv': 'export_train_test_leaks',
    'multi_label_clusters.csv': 'export_multi_label_clusters',
    'tagged_manifest.csv': 'export_tagged_manifest',
    'clean_manifest.csv': 'export_clean_manifest',
    'clean_manifest.parquet': 'export_clean_manifest',
    'exclude.csv': 'export_exclude',
    'reviewer_agreement.csv': 'export_reviewer_agreement',
    'review_conflicts.csv': 'export_review_conflicts',
    'release_changes.csv': 'export_release_changes',
} -%}
{%- set id_lists = {
    'val_removal_list.txt': 'export_val_removal_list',
    'final_removal_list.txt': 'export_final_removal_list',
} -%}
{%- set documents = ['relabel_map.json', 'review_queue.json', 'summary.json', 'summary.md'] -%}
{%- set _ = [ref('input_problems'), ref('export_relabel_map'), ref('export_review_queue'),
             ref('review_queue_members'), ref('cleaning_summary')] -%}
{%- for model_name in (tables.values() | list) + (id_lists.values() | list) %}{% set _ = ref(model_name) %}{% endfor -%}
{{ config(post_hook="{{ write_sql_engine_deliverables(" ~ tables ~ ", " ~ id_lists ~ ") }}") }}

with written as (
    {%- for name in ((tables.keys() | list) + (id_lists.keys() | list) + documents) | sort %}
    select
        {{ sql_string(var('dataset_name') ~ '_' ~ name) }} as file_name,
        cast(null as bigint) as size_bytes,
        cast(null as {{ dbt.type_string() }}) as sha256
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select * from written
