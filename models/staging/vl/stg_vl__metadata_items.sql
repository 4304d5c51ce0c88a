{#- One row per typed entry of a media item's metadata_items list: issues, user tags,
    image labels, object labels, captions, video info. Properties used downstream are typed
    here; the raw JSON stays for anything else. -#}

with media_items as (
    select
        media_id,
        export_file,
        item_index,
        metadata_items
    from {{ ref('stg_vl__media_items') }}
),

entries as (
    {{ select_exploded(
        'media_items', ['media_id', 'export_file', 'item_index'], 'metadata_items', 'entry', 'entry_index'
    ) }}
),

renamed as (
    select
        ---------- ids
        entries.media_id,
        entry.properties.duplicate_group_id,

        ---------- where the record came from
        entries.export_file,
        entries.item_index,
        cast(entries.entry_index as integer) as entry_index,

        ---------- strings
        entry.type as entry_type,
        entry.properties.issue_type as raw_issue_type,
        entry.properties.issues_description as issue_description,
        {#- Tags appear as properties.tag_name, or as tag_name on the entry itself. -#}
        coalesce(entry.properties.tag_name, entry.tag_name) as tag_name,
        entry.properties.assigned_date as tag_assigned_at_text,
        entry.properties.category_name,
        entry.properties.source as label_source,

        ---------- numerics
        try_cast(entry.properties.confidence as double) as confidence,
        try_cast(entry.properties.duplicate_threshold as double) as duplicate_threshold,
        try_cast(entry.properties.original_id as bigint) as original_id,

        ---------- raw, for the input checks
        entry.properties.confidence as confidence_text,
        entry.properties.duplicate_threshold as duplicate_threshold_text,
        entry.properties.bbox as bbox_text,
        entry.properties.metadata_items as object_metadata_items_json
    from entries
)

select * from renamed
