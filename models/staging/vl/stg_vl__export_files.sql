{#- One row per VL export file with its info block: what each file claims to hold. -#}

with source as (
    select * from {{ read_vl_export(source('vl', 'export')) }}
),

renamed as (
    select
        {{ display_path('filename') }} as export_file,
        {{ json_field_text('info', 'schema_version') }} as schema_version,
        {{ json_field_text('info', 'dataset') }} as dataset_name,
        {{ json_field_text('info', 'exported_by') }} as exported_by,
        {{ json_field_text('info', 'export_time') }} as exported_at_text,
        {#- One doc example prints "10,000,000": read the digits only. -#}
        try_cast(replace({{ json_field_text('info', 'total_media_items') }}, ',', '') as bigint)
            as declared_media_items,
        cast({{ list_length('media_items') }} as bigint) as media_items_in_file
    from source
)

select * from renamed
