{#- Which dataset image each image named in a fastdup work folder or a VL-datasets issue
    list is. fastdup's integer ids are decoded through atrain_features.dat.csv; then, as
    for the team's files: the manifest image with that dataset path, else the one manifest
    image with that file name (fastdup writes the paths it was given, often absolute),
    else the VL media item with that path, else the path itself. One row per name as
    written in each source. Without such files the joins are skipped. -#}
{%- set has_files = (
    input_files('fastdup_similarity') + input_files('fastdup_components')
    + input_files('fastdup_outliers') + input_files('fastdup_bad')
    + input_files('fastdup_stats') + input_files('vl_issue_list')
) | length > 0 or not execute %}

with pairs as (
    select
        from_ref,
        to_ref
    from {{ ref('stg_fastdup__pairs') }}
),

components as (
    select image_ref from {{ ref('stg_fastdup__components') }}
),

fastdup_findings as (
    select image_ref from {{ ref('stg_fastdup__image_findings') }}
),

features as (
    select
        fastdup_index,
        min(file_path) as file_path
    from {{ ref('stg_fastdup__images') }}
    group by 1
),

issue_rows as (
    select
        image_ref,
        prototype_ref
    from {{ ref('stg_vl_datasets__issue_rows') }}
),

manifest as (
    select
        image_id,
        image_path,
        file_name
    from {{ ref('stg_dataset__manifest') }}
    where image_id is not null and image_id != ''
),

vl_media as (
    select
        min(image_id) as image_id,
        dataset_path
    from {{ ref('int_media_items_matched_to_images') }}
    group by 2
),

fastdup_refs as (
    select from_ref as image_ref from pairs
    union
    select to_ref from pairs
    union
    select image_ref from components
    union
    select image_ref from fastdup_findings
),

issue_refs as (
    select image_ref from issue_rows
    union
    select prototype_ref from issue_rows
),

decoded as (
    select
        'fastdup' as ref_source,
        fastdup_refs.image_ref,
        {{ is_number('fastdup_refs.image_ref') }} as is_fastdup_index,
        case
            when {{ is_number('fastdup_refs.image_ref') }} then features.file_path
            else fastdup_refs.image_ref
        end as source_path
    from fastdup_refs
    left join features on fastdup_refs.image_ref = features.fastdup_index
    where fastdup_refs.image_ref is not null
    union all
    select
        'vl_issue_list',
        image_ref,
        false,
        image_ref as source_path
    from issue_refs
    where image_ref is not null
),

pathed as (
    select
        ref_source,
        image_ref,
        is_fastdup_index,
        {{ dataset_path('source_path') }} as image_path
    from decoded
),

named as (
    select
        pathed.*,
        {{ base_name('image_path') }} as file_name
    from pathed
),

{#- Joins go from the few named images to the manifest, never the manifest to itself. #}

by_path as (
    select
        named.ref_source,
        named.image_ref,
        min(manifest.image_id) as image_id
    from named
    inner join manifest on named.image_path = manifest.image_path
    {%- if not has_files %}
        where false
    {%- endif %}
    group by 1, 2
),

by_file_name as (
    select
        named.ref_source,
        named.image_ref,
        min(manifest.image_id) as image_id
    from named
    inner join manifest on named.file_name = manifest.file_name
    {%- if not has_files %}
        where false
    {%- endif %}
    group by 1, 2
    having count(*) = 1
),

final as (
    select
        named.ref_source,
        named.image_ref,
        named.image_path,
        case
            when named.image_path is null then null
            else coalesce(
                    by_path.image_id, by_file_name.image_id, vl_media.image_id,
                    named.image_path
                )
        end as image_id,
        case
            when by_path.image_id is not null then 'path'
            when by_file_name.image_id is not null then 'file_name'
            when vl_media.image_id is not null then 'vl_export'
            else 'none'
        end as matched_by,
        named.is_fastdup_index,
        coalesce(by_path.image_id, by_file_name.image_id) is not null as is_in_manifest
    from named
    left join by_path
        on named.ref_source = by_path.ref_source and named.image_ref = by_path.image_ref
    left join by_file_name
        on named.ref_source = by_file_name.ref_source
        and named.image_ref = by_file_name.image_ref
    left join vl_media on named.image_path = vl_media.dataset_path
)

select * from final
