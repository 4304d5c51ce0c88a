{#- Per VL media item: its ground-truth label and its split tag. Ground truth is only an
    image_label whose source is one of var vl_label_sources (VL's own auto-tags, source
    "Visual Layer", are ignored). A split tag is a user_tag equal to a split name (R1).
    Items whose copies disagree get no value here and are reported as problems. -#}

{%- set label_sources = var('vl_label_sources') | map('lower') | list %}

with metadata_items as (
    select
        media_id,
        export_file,
        item_index,
        entry_type,
        category_name,
        label_source,
        tag_name
    from {{ ref('stg_vl__metadata_items') }}
),

label_keys as (
    select
        label_key,
        class_index
    from {{ ref('int_class_label_keys') }}
),

ground_truth as (
    select
        metadata_items.media_id,
        trim(metadata_items.category_name) as label_text,
        coalesce(
            cast(label_keys.class_index as {{ dbt.type_string() }}),
            {{ label_key('metadata_items.category_name') }}
        ) as label_identity
    from metadata_items
    left join label_keys
        on label_keys.label_key = {{ label_lookup_key('metadata_items.category_name') }}
    where metadata_items.entry_type = 'image_label'
        and lower(metadata_items.label_source) in (
            {%- for s in label_sources %}{{ sql_string(s) }}{{ ', ' if not loop.last }}{% endfor -%}
        )
        and trim(metadata_items.category_name) != ''
),

labels_per_media as (
    select
        media_id,
        min(label_text) as label_text,
        count(distinct label_identity) as distinct_labels,
        {{ sorted_string_agg('label_text', ' | ', distinct=true) }} as label_texts
    from ground_truth
    group by 1
),

split_tags as (
    select
        media_id,
        {{ normalized_split('tag_name') }} as split
    from metadata_items
    where entry_type = 'user_tag' and {{ normalized_split('tag_name') }} is not null
),

splits_per_media as (
    select
        media_id,
        min(split) as split,
        count(distinct split) as distinct_splits
    from split_tags
    group by 1
),

media as (
    select distinct media_id from metadata_items
    where media_id is not null
),

final as (
    select
        media.media_id,
        case when labels_per_media.distinct_labels = 1
                then labels_per_media.label_text
        end as label_text,
        coalesce(labels_per_media.distinct_labels, 0) as distinct_labels,
        labels_per_media.label_texts,
        case when splits_per_media.distinct_splits = 1
                then splits_per_media.split
        end as tagged_split,
        coalesce(splits_per_media.distinct_splits, 0) as distinct_split_tags
    from media
    left join labels_per_media on media.media_id = labels_per_media.media_id
    left join splits_per_media on media.media_id = splits_per_media.media_id
)

select * from final
