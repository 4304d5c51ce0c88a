{#- _tagged_manifest.csv: every VL finding (duplicates, near duplicates, mislabels,
    outliers, quality) with the system's tags, the reviewers' tags, who reviewed and when,
    and the final action: the team's tagged-manifest format, carried forward. -#}

with findings as (
    select
        image_id,
        issue_type as flag_type,
        confidence,
        suggested_class_index,
        suggested_class_name,
        cast(null as {{ dbt.type_string() }}) as cluster_id,
        case issue_type
            when 'blur' then 'low_quality_blur'
            when 'corrupt' then 'low_quality_corrupt'
            else ''
        end as system_tags
    from {{ ref('findings') }}
    where is_known_image
),

duplicates as (
    select
        members.image_id,
        'duplicate' as flag_type,
        cast(null as double) as confidence,
        cast(null as integer) as suggested_class_index,
        cast(null as {{ dbt.type_string() }}) as suggested_class_name,
        members.cluster_id,
        concat(
            'duplicate_exact',
            case when clusters.is_leak then ';train_test_leak' else '' end,
            case when clusters.is_multi_label then ';multi_label;ambiguous_class' else '' end)
            as system_tags
    from {{ ref('duplicate_cluster_members') }} as members
    inner join {{ ref('duplicate_clusters') }} as clusters
        on members.cluster_id = clusters.cluster_id
),

near as (
    select
        image_id,
        'near_duplicate',
        cast(null as double),
        cast(null as integer),
        cast(null as {{ dbt.type_string() }}),
        near_cluster_id,
        'duplicate_near'
    from {{ ref('near_duplicate_candidates') }}
),

flags as (
    select * from findings
    union all
    select * from duplicates
    union all
    select * from near
),

user_tags as (
    select
        image_id,
        {{ sorted_string_agg('tag_name', ';', distinct=true) }} as user_tags
    from {{ ref('int_review_tags_split') }}
    group by 1
),

reviews as (
    select
        image_id,
        {{ sorted_string_agg('reviewer', ';', distinct=true) }} as reviewers,
        max(decided_at) as review_date
    from {{ ref('int_review_decisions_latest') }}
    group by 1
),

actions as (
    select
        image_id,
        final_action,
        reason,
        new_class_index
    from {{ ref('int_final_actions_resolved') }}
),

queued as (
    select image_id from {{ ref('review_queue') }}
    where image_id is not null
    union
    select image_id from {{ ref('review_queue_members') }}
),

images as (
    select
        image_id,
        image_path,
        split,
        class_index,
        class_name
    from {{ ref('images') }}
),

final as (
    select
        {{ csv_safe('flags.image_id') }} as image_id,
        {{ csv_safe('images.image_path') }} as image_path,
        '{{ var("dataset_name") }}' as dataset,
        images.split,
        images.class_index as original_label,
        {{ csv_safe('images.class_name') }} as original_label_name,
        flags.flag_type as vl_flag_type,
        flags.confidence as vl_confidence,
        flags.suggested_class_index as vl_suggested_label,
        {{ csv_safe('flags.suggested_class_name') }} as vl_suggested_label_name,
        {{ csv_safe('flags.cluster_id') }} as cluster_id,
        flags.system_tags,
        user_tags.user_tags,
        {{ csv_safe('reviews.reviewers') }} as reviewers,
        cast(reviews.review_date as {{ dbt.type_string() }}) as review_date,
        coalesce(
            actions.final_action,
            case when queued.image_id is not null then 'pending_review' else 'keep' end
        ) as final_action,
        actions.new_class_index as new_label,
        actions.reason as final_reason,
        row_number() over (order by flags.image_id, flags.flag_type, flags.cluster_id)
            as sort_order
    from flags
    inner join images on flags.image_id = images.image_id
    left join user_tags on flags.image_id = user_tags.image_id
    left join reviews on flags.image_id = reviews.image_id
    left join actions on flags.image_id = actions.image_id
    left join queued on flags.image_id = queued.image_id
)

select * from final
