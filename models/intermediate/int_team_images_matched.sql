{#- Which dataset image each image of the team's clusters file is: the manifest image
    with that id, else with that path, else the VL media item with that path, else the
    path (or id) itself. One row per team cluster image. Without a team file the joins
    are skipped: they would hash the whole manifest for nothing. -#}
{%- set has_team_file = input_files('team_clusters') | length > 0 or not execute %}

with team_images as (
    select
        team_cluster_id,
        clusters_file,
        cluster_index,
        image_index,
        team_image_id,
        image_path,
        label_text,
        split_text
    from {{ ref('stg_team__cluster_images') }}
),

manifest as (
    select
        image_id,
        image_path
    from {{ ref('stg_dataset__manifest') }}
    where image_id is not null and image_id != ''
),

vl_media as (
    select
        image_id,
        dataset_path
    from {{ ref('int_media_items_matched_to_images') }}
),

matches as (
    select
        team_images.clusters_file,
        team_images.cluster_index,
        team_images.image_index,
        min(by_id.image_id) as by_id,
        min(by_path.image_id) as by_path,
        min(vl_media.image_id) as by_vl_path
    from team_images
    left join manifest as by_id on team_images.team_image_id = by_id.image_id
    left join manifest as by_path on team_images.image_path = by_path.image_path
    left join vl_media on team_images.image_path = vl_media.dataset_path
    {%- if not has_team_file %}
        where false
    {%- endif %}
    group by 1, 2, 3
),

final as (
    select
        team_images.team_cluster_id,
        team_images.clusters_file,
        team_images.cluster_index,
        team_images.image_index,
        team_images.team_image_id,
        coalesce(
            matches.by_id, matches.by_path, matches.by_vl_path,
            team_images.image_path, team_images.team_image_id
        ) as image_id,
        team_images.image_path,
        team_images.label_text,
        team_images.split_text,
        coalesce(matches.by_id, matches.by_path) is not null as is_in_manifest
    from team_images
    inner join matches
        on team_images.clusters_file = matches.clusters_file
        and team_images.cluster_index = matches.cluster_index
        and team_images.image_index = matches.image_index
)

select * from final
