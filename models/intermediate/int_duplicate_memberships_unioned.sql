{#- Which image sits in which duplicate group at which similarity level: VL's duplicates
    issues (a group is the pair duplicate_threshold + duplicate_group_id, R2) and the
    team's clusters, which count as exact groups at var duplicate_threshold. -#}

with metadata_items as (
    select
        media_id,
        raw_issue_type,
        duplicate_group_id,
        duplicate_threshold
    from {{ ref('stg_vl__metadata_items') }}
    where entry_type = 'issue' and duplicate_group_id is not null
),

issue_types as (
    select raw_issue_type, issue_type from {{ ref('issue_type_aliases') }}
),

vl_images as (
    select media_id, image_id from {{ ref('int_media_items_matched_to_images') }}
),

team_images as (
    select team_cluster_id, clusters_file, image_id
    from {{ ref('int_team_images_matched') }}
),

vl_memberships as (
    select distinct
        vl_images.image_id,
        concat('vl:', cast(metadata_items.duplicate_threshold as {{ dbt.type_string() }}),
            ':', metadata_items.duplicate_group_id) as group_key,
        metadata_items.duplicate_group_id,
        metadata_items.duplicate_threshold as threshold,
        'vl_export' as origin
    from metadata_items
    inner join issue_types
        on lower(trim(metadata_items.raw_issue_type)) = issue_types.raw_issue_type
    inner join vl_images on metadata_items.media_id = vl_images.media_id
    where issue_types.issue_type = 'duplicate'
),

team_memberships as (
    select distinct
        image_id,
        concat('team:', clusters_file, ':', team_cluster_id) as group_key,
        team_cluster_id as duplicate_group_id,
        cast({{ var('duplicate_threshold') }} as {{ dbt.type_float() }}) as threshold,
        'team_clusters' as origin
    from team_images
    where image_id is not null
),

final as (
    select * from vl_memberships
    union all
    select * from team_memberships
)

select * from final
