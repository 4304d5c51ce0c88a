{#- Every release's final removal list and relabel map, one row per image and action.
    Incremental (append): each build adds its own rows under its release id. -#}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='append_new_columns') }}

select
    '{{ invocation_id }}' as release_id,
    'removal' as item,
    image_id,
    reason,
    cast(null as integer) as old_class_index,
    cast(null as integer) as new_class_index
from {{ ref('final_removals') }}

union all

select
    '{{ invocation_id }}' as release_id,
    'relabel' as item,
    image_id,
    cast(null as {{ dbt.type_string() }}) as reason,
    old_class_index,
    new_class_index
from {{ ref('relabels') }}
