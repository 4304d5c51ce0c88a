{#- The team's earlier leak reports against the pipeline's leak set, one row per train-val
    pair either side names: `agreed`, `only_theirs` (they report it, the clusters at var
    duplicate_threshold do not hold it) or `only_ours`. Their images are matched by id,
    else by dataset path. Without a team leak report the model is an empty select: it
    would list every leak as only_ours for nothing. -#}
{%- set has_reports = input_files('team_leaks') | length > 0 or not execute %}

{%- if has_reports %}

with members as (
    select cluster_id, image_id, split from {{ ref('duplicate_cluster_members') }}
),

ours as (
    select
        val_members.image_id as val_image_id,
        train_members.image_id as train_image_id,
        val_members.cluster_id
    from members as val_members
    inner join members as train_members
        on val_members.cluster_id = train_members.cluster_id
    where val_members.split = 'val' and train_members.split = 'train'
),

images as (
    select image_id, image_path from {{ ref('images') }}
),

reported as (
    select * from {{ ref('stg_team__leak_pairs') }}
),

theirs as (
    select
        coalesce(val_by_id.image_id, val_by_path.image_id,
            reported.val_team_image_id, reported.val_image_path) as val_image_id,
        coalesce(train_by_id.image_id, train_by_path.image_id,
            reported.train_team_image_id, reported.train_image_path) as train_image_id,
        {{ sorted_string_agg('reported.report_shape', ';', distinct=true) }} as report_shapes,
        {{ sorted_string_agg('reported.leak_type', ';', distinct=true) }} as their_leak_types,
        count(*) as report_rows
    from reported
    left join images as val_by_id on reported.val_team_image_id = val_by_id.image_id
    left join images as val_by_path on reported.val_image_path = val_by_path.image_path
    left join images as train_by_id on reported.train_team_image_id = train_by_id.image_id
    left join images as train_by_path on reported.train_image_path = train_by_path.image_path
    group by 1, 2
),

final as (
    select
        coalesce(ours.val_image_id, theirs.val_image_id) as val_image_id,
        coalesce(ours.train_image_id, theirs.train_image_id) as train_image_id,
        case
            when ours.val_image_id is not null and theirs.val_image_id is not null then 'agreed'
            when theirs.val_image_id is not null then 'only_theirs'
            else 'only_ours'
        end as comparison,
        ours.cluster_id,
        theirs.report_shapes,
        theirs.their_leak_types,
        coalesce(theirs.report_rows, 0) as report_rows
    from ours
    full outer join theirs
        on ours.val_image_id = theirs.val_image_id
        and ours.train_image_id = theirs.train_image_id
)

select * from final

{%- else %}

{{ empty_select([
    ['val_image_id', 'string'],
    ['train_image_id', 'string'],
    ['comparison', 'string'],
    ['cluster_id', 'string'],
    ['report_shapes', 'string'],
    ['their_leak_types', 'string'],
    ['report_rows', 'bigint']
]) }}

{%- endif %}
