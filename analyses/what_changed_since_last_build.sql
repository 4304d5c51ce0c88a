{#-
  Which removals and relabels did this build add, drop or change compared with the build
  before it? A query over `release_changes` (every `dbt build` is a release, kept in
  `cleaning_releases` and `release_snapshots`), joined to `images` for path and split.
  On the first build every row is 'added' (is_first_release). Var `item` limits it to
  'removal' or 'relabel'.

    dbt compile --select what_changed_since_last_build --vars '{item: removal}'
-#}

select
    changes.item,
    changes.change,
    changes.image_id,
    images.split,
    images.image_path,
    changes.previous_reason,
    changes.current_reason,
    changes.old_class_index,
    changes.previous_new_class_index,
    changes.current_new_class_index,
    changes.is_first_release,
    changes.previous_release_id,
    changes.current_release_id
from {{ ref('release_changes') }} as changes
left join {{ ref('images') }} as images
    on changes.image_id = images.image_id
{%- if var('item', none) %}
where changes.item = {{ sql_string(var('item')) }}
{%- endif %}
order by changes.item desc, changes.change, changes.image_id
