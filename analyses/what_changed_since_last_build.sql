{#-
  Which removals did this build add or drop compared with the previous one?

  LIMITATION: there is no release history table yet, so "the previous build" is whatever
  removal list file is on disk: by default the deliverable
  `<deliverables_dir>/<dataset_name>_final_removal_list.txt` (read with read_csv, no
  header, one image id per line), or the file named by var `previous_removal_list`.
  `dbt build` overwrites that file with the current list, so compare BEFORE the next
  build writes it (keep a copy of the old file and point `previous_removal_list` at it),
  otherwise both sides are the same build and the answer is empty. The file must exist;
  relative paths resolve against the project folder. Only ids are compared: a removal
  whose reason changed but stays removed is not listed.

  `change` is 'added' (removed now, not in the file) or 'dropped' (in the file, kept
  now); an added row carries its reason, rule and evidence from `final_removals`.

    dbt compile --select what_changed_since_last_build \
        --vars '{previous_removal_list: /tmp/imagenet1k_final_removal_list.txt}'
-#}
{%- set default_file = var('deliverables_dir') ~ '/' ~ var('dataset_name') ~ '_final_removal_list.txt' %}
{%- set previous_file = project_path(var('previous_removal_list', default_file)) %}

with current_removals as (
    select image_id, split, reason, rule, evidence
    from {{ ref('final_removals') }}
),

previous_removals as (
    select distinct trim(image_id) as image_id
    from read_csv({{ sql_string(previous_file) }}, header = false,
                  columns = {'image_id': 'VARCHAR'}, delim = '\t', quote = '', escape = '')
    where trim(image_id) <> ''
),

added as (
    select 'added' as change, current_removals.*
    from current_removals
    where image_id not in (select image_id from previous_removals)
),

dropped as (
    select
        'dropped' as change,
        previous_removals.image_id,
        images.split,
        cast(null as varchar) as reason,
        cast(null as varchar) as rule,
        cast(null as varchar) as evidence
    from previous_removals
    left join {{ ref('images') }} as images
        on previous_removals.image_id = images.image_id
    where previous_removals.image_id not in (select image_id from current_removals)
)

select * from added
union all
select * from dropped
order by change, image_id
