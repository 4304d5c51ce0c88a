{#- Everything wrong in the reviewers' decision logs, one row per finding, with the columns
    of int_input_problems_collected (which unions this in): the decision file, 'row N' of
    it, the field and the value. Errors: a row naming an unknown image, an unknown cluster
    or nothing; a tag outside the tag schema; an action outside keep / remove / relabel /
    defer (or a relabel_to_ tag with another action); a relabel without a valid new class;
    a relabel to the label the image already has; an unparseable decided_at; no reviewer.
    Warnings: a new_label on a row that is not a relabel, a cluster_id beside an image_id. -#}

with decisions as (
    select
        decision_file,
        reviewer,
        is_reviewer_from_file_name
    from {{ ref('stg_reviews__decisions') }}
),

decision_images as (
    select * from {{ ref('int_review_decisions_expanded') }}
),

{# One row per decision row: a cluster row has one row per member above. -#}
decision_rows as (
    select
        decision_file,
        row_number,
        reviewer,
        named_image_id,
        cluster_id,
        row_action,
        tags_as_written,
        unknown_tags,
        new_label_text,
        new_label_class_index,
        new_label_classes_named,
        relabel_tags,
        relabel_tag_classes,
        new_class_index,
        decided_at_text,
        decided_at,
        has_too_many_tags,
        is_reviewer_missing,
        max(images_targeted) as images_targeted,
        {{ count_where('is_known_image') }} as known_images,
        {{ count_where('is_current_label') }} as images_with_new_label
    from decision_images
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18
),

{# The reviewers a file names, for the message about a row without one. -#}
file_reviewers as (
    select
        decision_file,
        {{ sorted_string_agg('reviewer', ', ', distinct=true) }} as named_reviewers
    from decisions
    where not is_reviewer_from_file_name
    group by 1
),

decision_rows_with_file as (
    select
        decision_rows.*,
        file_reviewers.named_reviewers
    from decision_rows
    left join file_reviewers on decision_rows.decision_file = file_reviewers.decision_file
),

problems as (
    select
        'error' as severity,
        'decision_unknown_image' as check_name,
        decision_file as input_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})) as record,
        'image_id' as field,
        named_image_id as value,
        'the decision names an image that is in no input of the dataset' as message,
        named_image_id as image_id
    from decision_rows_with_file
    where named_image_id is not null and known_images = 0
    union all
    select
        'error',
        'decision_unknown_cluster',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'cluster_id',
        cluster_id,
        concat(
            'the decision names a cluster that is neither a duplicate cluster (duplicate_cluster_members)',
            ' nor a near-duplicate cluster (near_duplicate_candidates)'
        ),
        cast(null as {{ dbt.type_string() }})
    from decision_rows_with_file
    where named_image_id is null and cluster_id is not null and images_targeted = 0
    union all
    select
        'error',
        'decision_without_image',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'image_id',
        cast(null as {{ dbt.type_string() }}),
        'the decision names neither an image_id nor a cluster_id',
        cast(null as {{ dbt.type_string() }})
    from decision_rows_with_file
    where named_image_id is null and cluster_id is null
    union all
    select
        'error',
        'decision_unknown_tag',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'tags',
        unknown_tags,
        'not in the tag schema (seeds/tag_schema.csv); relabel_to_<class> must name a class by index, wnid or name',
        named_image_id
    from decision_rows_with_file
    where unknown_tags is not null
    union all
    select
        'error',
        'decision_too_many_tags',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'tags',
        tags_as_written,
        'more than 64 tags on one decision row; the row is not read',
        named_image_id
    from decision_rows_with_file
    where has_too_many_tags
    union all
    select
        'error',
        'decision_unknown_action',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'action',
        row_action,
        'action must be one of keep, remove, relabel, defer',
        named_image_id
    from decision_rows_with_file
    where row_action is null or row_action not in ('keep', 'remove', 'relabel', 'defer')
    union all
    select
        'error',
        'decision_action_contradicts_tag',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'action',
        row_action,
        'a relabel_to_ tag means action relabel, but the row says another action',
        named_image_id
    from decision_rows_with_file
    where relabel_tags > 0 and row_action in ('keep', 'remove', 'defer')
    union all
    select
        'error',
        'decision_relabel_without_new_label',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'new_label',
        new_label_text,
        case
            when new_label_text is null and relabel_tag_classes > 1
                then 'the relabel_to_ tags name different classes'
            when new_label_text is null
                then 'relabel needs a new_label (a class index, wnid or name) or a relabel_to_<class> tag'
            when new_label_classes_named > 1
                then 'the new label names more than one class; give the class index or wnid'
            when new_label_class_index is null
                then 'the new label names no class in the class list'
            else 'the new label disagrees with the relabel_to_ tag'
        end,
        named_image_id
    from decision_rows_with_file
    where row_action = 'relabel' and new_class_index is null
    union all
    select
        'error',
        'decision_relabel_to_current_label',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'new_label',
        coalesce(new_label_text, cast(new_class_index as {{ dbt.type_string() }})),
        case
            when named_image_id is not null then 'the image already carries this class'
            else 'every member of the cluster already carries this class'
        end,
        named_image_id
    from decision_rows_with_file
    where row_action = 'relabel' and new_class_index is not null
        and images_with_new_label > 0
        and (named_image_id is not null or images_with_new_label = images_targeted)
    union all
    select
        'error',
        'decision_bad_decided_at',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'decided_at',
        decided_at_text,
        'decided_at must be an ISO 8601 time such as 2026-11-20T10:03:00Z',
        named_image_id
    from decision_rows_with_file
    where decided_at is null
    union all
    select
        'error',
        'decision_missing_reviewer',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'reviewer',
        named_reviewers,
        case
            when reviewer is null then 'the row names no reviewer'
            else concat(
                    'the row names no reviewer, and the file is shared by other reviewers, so its name (',
                    reviewer, ') does not say who decided'
                )
        end,
        named_image_id
    from decision_rows_with_file
    where is_reviewer_missing
    union all
    select
        'warning',
        'decision_new_label_ignored',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'new_label',
        new_label_text,
        'new_label is only read on a relabel; it is ignored here',
        named_image_id
    from decision_rows_with_file
    where new_label_text is not null and row_action in ('keep', 'remove', 'defer')
    union all
    select
        'warning',
        'decision_cluster_id_ignored',
        decision_file,
        concat('row ', cast(row_number as {{ dbt.type_string() }})),
        'cluster_id',
        cluster_id,
        'the row names an image_id too; the decision applies to that image only',
        named_image_id
    from decision_rows_with_file
    where named_image_id is not null and cluster_id is not null
)

select * from problems
