{#- Every decision row (policy R8) applied to the images it names, one row per (decision
    row, image): a `cluster_id` row is expanded to every member of that duplicate cluster
    (duplicate_cluster_members) or near-duplicate cluster (near_duplicate_candidates).
    Tags are split, checked against the tag schema and written back in one canonical,
    sorted form (lower case; `relabel_to_<wnid or name>` becomes `relabel_to_<class index>`).
    The new class of a relabel comes from new_label or, without one, from a single
    `relabel_to_` tag; both resolve like any label (int_class_label_keys, label_lookup_key).
    A relabel row naming a cluster leaves members that already carry the new class as they
    are: for those members the decision is a keep. Rows that name no known image, or that
    cannot be acted on, keep a row here with is_valid_decision false:
    int_review_problems_collected reports them and nothing downstream uses them. -#}
{%- set max_tags = 64 -%}

with decisions as (
    select
        decision_file,
        row_number,
        reviewer,
        image_id,
        cluster_id,
        tags_text,
        action,
        new_label_text,
        note,
        decided_at_text,
        decided_at,
        is_reviewer_from_file_name
    from {{ ref('stg_reviews__decisions') }}
),

images as (
    select
        image_id,
        class_index
    from {{ ref('images') }}
),

duplicate_cluster_members as (
    select
        cluster_id,
        image_id
    from {{ ref('duplicate_cluster_members') }}
),

near_duplicate_candidates as (
    select
        near_cluster_id,
        image_id
    from {{ ref('near_duplicate_candidates') }}
),

label_keys as (
    select
        label_key,
        class_index,
        classes_named
    from {{ ref('int_class_label_keys') }}
),

tag_schema as (
    {# relabel_to_{class} is the parametrised tag: matched by its prefix below. -#}
    select tag_name from {{ ref('tag_schema') }}
    where {{ dbt.position("'{'", 'tag_name') }} = 0
),

tag_positions as (
    {{ dbt.generate_series(max_tags) }}
),

cluster_members as (
    select
        cluster_id,
        image_id
    from duplicate_cluster_members
    union all
    select distinct
        near_cluster_id,
        image_id
    from near_duplicate_candidates
),

---------- tags: one row per (decision row, tag)

decisions_counted as (
    select
        decision_file,
        row_number,
        tags_text,
        length(tags_text) - length(replace(tags_text, ';', '')) + 1 as tag_slots
    from decisions
    where tags_text is not null
),

row_tags_split as (
    select
        decisions_counted.decision_file,
        decisions_counted.row_number,
        lower(trim({{ split_part_at('decisions_counted.tags_text', ';', 'tag_positions.generated_number') }}))
            as tag_name
    from decisions_counted
    inner join tag_positions
        on decisions_counted.tag_slots >= tag_positions.generated_number
),

row_tags_classified as (
    select
        row_tags_split.decision_file,
        row_tags_split.row_number,
        row_tags_split.tag_name,
        substr(row_tags_split.tag_name, 1, 11) = 'relabel_to_' as is_relabel_tag,
        relabel_keys.class_index as relabel_class_index,
        tag_schema.tag_name is not null
        or relabel_keys.class_index is not null as is_in_schema
    from row_tags_split
    left join tag_schema on row_tags_split.tag_name = tag_schema.tag_name
    left join label_keys as relabel_keys
        on substr(row_tags_split.tag_name, 1, 11) = 'relabel_to_'
        and {{ label_lookup_key('substr(row_tags_split.tag_name, 12)') }} = relabel_keys.label_key
    where row_tags_split.tag_name != ''
),

row_tags_canonical as (
    select
        decision_file,
        row_number,
        case
            when relabel_class_index is not null
                then concat('relabel_to_', cast(relabel_class_index as {{ dbt.type_string() }}))
            else tag_name
        end as tag_name,
        is_relabel_tag,
        relabel_class_index,
        is_in_schema
    from row_tags_classified
),

row_tags as (
    select
        decision_file,
        row_number,
        {{ sorted_string_agg('tag_name', ';', distinct=true) }} as tags,
        {{ sorted_string_agg('case when not is_in_schema then tag_name end', ';', distinct=true) }}
            as unknown_tags,
        {{ count_where('is_relabel_tag') }} as relabel_tags,
        count(distinct relabel_class_index) as relabel_tag_classes,
        min(relabel_class_index) as relabel_tag_class_index
    from row_tags_canonical
    group by 1, 2
),

---------- who decided

{# A row without a reviewer cell takes the file's name, unless the file is a shared log
    whose other rows name other reviewers: then nobody can say who decided. -#}
decisions_with_file_reviewers as (
    select
        decisions.*,
        min(case when decisions.is_reviewer_from_file_name then null else decisions.reviewer end)
            over (partition by decisions.decision_file) as first_named_reviewer,
        max(case when decisions.is_reviewer_from_file_name then null else decisions.reviewer end)
            over (partition by decisions.decision_file) as last_named_reviewer
    from decisions
),

decisions_attributed as (
    select
        *,
        reviewer is null
        or coalesce(
            is_reviewer_from_file_name and first_named_reviewer is not null
            and (first_named_reviewer != reviewer or last_named_reviewer != reviewer), false)
            as is_reviewer_missing
    from decisions_with_file_reviewers
),

---------- one row per decision row, labels resolved

decisions_resolved as (
    select
        decisions.decision_file,
        decisions.row_number,
        decisions.reviewer,
        decisions.image_id as named_image_id,
        decisions.cluster_id,
        decisions.tags_text as tags_as_written,
        row_tags.tags as tags_text,
        row_tags.unknown_tags,
        decisions.action as action_as_written,
        {# A relabel_to_ tag implies the action relabel when none is written. -#}
        case
            when decisions.action is null and coalesce(row_tags.relabel_tags, 0) > 0
                then 'relabel'
            else decisions.action
        end as row_action,
        decisions.new_label_text,
        new_label_keys.class_index as new_label_class_index,
        coalesce(new_label_keys.classes_named, 0) as new_label_classes_named,
        row_tags.relabel_tag_class_index,
        coalesce(row_tags.relabel_tags, 0) as relabel_tags,
        coalesce(row_tags.relabel_tag_classes, 0) as relabel_tag_classes,
        decisions.note,
        decisions.decided_at_text,
        decisions.decided_at,
        coalesce(
            length(decisions.tags_text) - length(replace(decisions.tags_text, ';', '')) + 1,
            0
        ) > {{ max_tags }} as has_too_many_tags,
        decisions.is_reviewer_missing
    from decisions_attributed as decisions
    left join row_tags
        on decisions.decision_file = row_tags.decision_file
        and decisions.row_number = row_tags.row_number
    left join label_keys as new_label_keys
        on {{ label_lookup_key('decisions.new_label_text') }} = new_label_keys.label_key
),

decisions_with_new_class as (
    select
        *,
        case
            when row_action != 'relabel' then null
            when new_label_text is not null
                then
                    case
                        when relabel_tag_classes = 0
                            or (
                                relabel_tag_classes = 1
                                and relabel_tag_class_index = new_label_class_index
                            )
                            then new_label_class_index
                    end
            when relabel_tag_classes = 1 then relabel_tag_class_index
        end as new_class_index
    from decisions_resolved
),

---------- one row per (decision row, image)

targets as (
    select
        decision_file,
        row_number,
        named_image_id as image_id,
        'image' as applies_via
    from decisions_with_new_class
    where named_image_id is not null
    union all
    select
        decisions_with_new_class.decision_file,
        decisions_with_new_class.row_number,
        cluster_members.image_id,
        'cluster' as applies_via
    from decisions_with_new_class
    inner join cluster_members
        on decisions_with_new_class.cluster_id = cluster_members.cluster_id
    where decisions_with_new_class.named_image_id is null
),

expanded as (
    select
        decisions_with_new_class.*,
        targets.image_id,
        targets.applies_via,
        images.class_index as current_class_index,
        images.image_id is not null as is_known_image,
        coalesce(decisions_with_new_class.new_class_index = images.class_index, false)
            as is_current_label,
        count(targets.image_id) over (
            partition by decisions_with_new_class.decision_file, decisions_with_new_class.row_number
        ) as images_targeted
    from decisions_with_new_class
    left join targets
        on decisions_with_new_class.decision_file = targets.decision_file
        and decisions_with_new_class.row_number = targets.row_number
    left join images on targets.image_id = images.image_id
),

final as (
    select
        ---------- ids
        decision_file,
        row_number,
        reviewer,
        image_id,
        named_image_id,
        cluster_id,

        ---------- strings
        applies_via,
        row_action,
        case
            when row_action = 'relabel' and applies_via = 'cluster' and is_current_label
                then 'keep'
            else row_action
        end as action,
        tags_as_written,
        tags_text,
        unknown_tags,
        new_label_text,
        note,
        decided_at_text,

        ---------- numerics
        new_label_class_index,
        new_label_classes_named,
        relabel_tag_class_index,
        relabel_tags,
        relabel_tag_classes,
        new_class_index,
        current_class_index,
        images_targeted,

        ---------- booleans
        is_known_image,
        is_current_label,
        has_too_many_tags,
        is_reviewer_missing,
        is_known_image
        and not is_reviewer_missing
        and decided_at is not null
        and coalesce(row_action in ('keep', 'remove', 'relabel', 'defer'), false)
        and (row_action != 'relabel' or new_class_index is not null)
        and not (applies_via = 'image' and row_action = 'relabel' and is_current_label)
        and not (relabel_tags > 0 and row_action != 'relabel')
        and not has_too_many_tags
            as is_valid_decision,

        ---------- timestamps
        decided_at
    from expanded
)

select * from final
