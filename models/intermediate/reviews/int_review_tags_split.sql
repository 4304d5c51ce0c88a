{#- The tags of each standing decision (int_review_decisions_latest), one row per
    (reviewer, image, tag), in the canonical form int_review_decisions_expanded wrote them
    (lower case, relabel_to_<class index>), with the tag-schema category and whether the
    tag is in the schema. Feeds the final tags of review_decisions and the per-tag
    agreement of reviewer_agreement. -#}
{%- set max_tags = 64 -%}

with latest as (
    select
        reviewer,
        image_id,
        decision_file,
        row_number,
        tags_text,
        length(tags_text) - length(replace(tags_text, ';', '')) + 1 as tag_slots
    from {{ ref('int_review_decisions_latest') }}
    where tags_text is not null
),

tag_schema as (
    select
        tag_name,
        category
    from {{ ref('tag_schema') }}
),

label_keys as (
    select
        label_key,
        class_index
    from {{ ref('int_class_label_keys') }}
),

tag_positions as (
    {{ dbt.generate_series(max_tags) }}
),

tags_split as (
    select
        latest.reviewer,
        latest.image_id,
        latest.decision_file,
        latest.row_number,
        {{ split_part_at('latest.tags_text', ';', 'tag_positions.generated_number') }}
            as tag_name
    from latest
    inner join tag_positions on latest.tag_slots >= tag_positions.generated_number
),

tags_classified as (
    select
        tags_split.reviewer,
        tags_split.image_id,
        tags_split.decision_file,
        tags_split.row_number,
        tags_split.tag_name,
        case
            when relabel_keys.class_index is not null then 'relabel_to_{class}'
            else plain_tags.tag_name
        end as schema_tag_name,
        coalesce(plain_tags.category, relabel_tags.category) as tag_category,
        relabel_keys.class_index as relabel_class_index
    from tags_split
    left join tag_schema as plain_tags
        on tags_split.tag_name = plain_tags.tag_name
        and {{ dbt.position("'{'", 'plain_tags.tag_name') }} = 0
    left join label_keys as relabel_keys
        on substr(tags_split.tag_name, 1, 11) = 'relabel_to_'
        and {{ label_lookup_key('substr(tags_split.tag_name, 12)') }} = relabel_keys.label_key
    left join tag_schema as relabel_tags
        on relabel_keys.class_index is not null
        and relabel_tags.tag_name = 'relabel_to_{class}'
    where tags_split.tag_name != ''
),

final as (
    select
        ---------- ids
        reviewer,
        image_id,
        tag_name,
        decision_file,
        row_number,

        ---------- strings
        schema_tag_name,
        tag_category,

        ---------- numerics
        relabel_class_index,

        ---------- booleans
        schema_tag_name is not null as is_in_schema
    from tags_classified
)

select * from final
