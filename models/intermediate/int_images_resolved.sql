{#- Every image of every input, once, with the one id deliverables use: the manifest's id
    when a manifest is given (VL items are matched to it by dataset path, else by a file
    name unique in the manifest), otherwise the dataset-relative path. Split follows R1
    (first source that answers wins, never a default); the label is resolved to one class
    (manifest first, then VL's ground-truth label, then the team's file). -#}

with manifest as (
    select
        image_id,
        image_path,
        split_text,
        label_text
    from {{ ref('stg_dataset__manifest') }}
    where image_id is not null and image_id != ''
),

manifest_by_path as (
    select image_path, min(image_id) as image_id
    from manifest
    group by 1
),

manifest_by_file_name as (
    select {{ base_name('image_path') }} as file_name, min(image_id) as image_id
    from manifest
    group by 1
    having count(*) = 1
),

vl_media as (
    select
        media_id,
        dataset_path
    from {{ ref('int_media_items_deduplicated') }}
),

vl_labels as (
    select
        media_id,
        label_text,
        tagged_split
    from {{ ref('int_vl_labels_pivoted_to_media') }}
),

team_images as (
    select
        team_image_id,
        image_path,
        label_text,
        split_text
    from {{ ref('stg_team__cluster_images') }}
),

label_keys as (
    select label_key, class_index, is_ambiguous from {{ ref('int_class_label_keys') }}
),

vl_matched as (
    select
        vl_media.media_id,
        vl_media.dataset_path,
        coalesce(by_path.image_id, by_file_name.image_id, vl_media.dataset_path) as image_id,
        case
            when by_path.image_id is not null then 'path'
            when by_file_name.image_id is not null then 'file_name'
        end as manifest_match
    from vl_media
    left join manifest_by_path as by_path
        on vl_media.dataset_path = by_path.image_path
    left join manifest_by_file_name as by_file_name
        on by_path.image_id is null
        and {{ base_name('vl_media.dataset_path') }} = by_file_name.file_name
),

vl_per_image as (
    select
        vl_matched.image_id,
        min(vl_matched.media_id) as media_id,
        min(vl_matched.dataset_path) as vl_path,
        min(vl_labels.label_text) as vl_label_text,
        min(vl_labels.tagged_split) as vl_tagged_split,
        count(distinct vl_matched.media_id) as media_items
    from vl_matched
    left join vl_labels on vl_matched.media_id = vl_labels.media_id
    group by 1
),

team_matched as (
    select
        coalesce(
            by_id.image_id, by_path.image_id, by_file_name.image_id,
            vl_by_path.image_id, team_images.image_path, team_images.team_image_id
        ) as image_id,
        team_images.image_path,
        team_images.label_text,
        team_images.split_text
    from team_images
    left join manifest as by_id on team_images.team_image_id = by_id.image_id
    left join manifest_by_path as by_path
        on by_id.image_id is null and team_images.image_path = by_path.image_path
    left join manifest_by_file_name as by_file_name
        on by_id.image_id is null and by_path.image_id is null
        and {{ base_name('team_images.image_path') }} = by_file_name.file_name
    left join vl_matched as vl_by_path
        on by_id.image_id is null and by_path.image_id is null
        and by_file_name.image_id is null
        and team_images.image_path = vl_by_path.dataset_path
),

team_per_image as (
    select
        image_id,
        min(image_path) as team_path,
        min(label_text) as team_label_text,
        min({{ normalized_split('split_text') }}) as team_split
    from team_matched
    group by 1
),

all_image_ids as (
    select image_id from manifest
    union
    select image_id from vl_per_image
    union
    select image_id from team_per_image
),

joined as (
    select
        all_image_ids.image_id,
        manifest.image_id is not null as is_in_manifest,
        vl_per_image.image_id is not null as is_in_vl_export,
        team_per_image.image_id is not null as is_in_team_clusters,
        vl_per_image.media_id,
        coalesce(manifest.image_path, vl_per_image.vl_path, team_per_image.team_path)
            as image_path,
        manifest.split_text as manifest_split_text,
        team_per_image.team_split,
        {{ normalized_split('manifest.split_text') }} as manifest_split,
        vl_per_image.vl_tagged_split,
        manifest.label_text as manifest_label_text,
        vl_per_image.vl_label_text,
        team_per_image.team_label_text
    from all_image_ids
    left join manifest on all_image_ids.image_id = manifest.image_id
    left join vl_per_image on all_image_ids.image_id = vl_per_image.image_id
    left join team_per_image on all_image_ids.image_id = team_per_image.image_id
),

with_split as (
    select
        *,
        {{ split_from_file_name('image_path') }} as file_name_split,
        {{ split_from_path_segment('image_path') }} as path_segment_split
    from joined
),

resolved as (
    select
        with_split.*,
        coalesce(team_split, manifest_split, vl_tagged_split, file_name_split, path_segment_split)
            as split,
        case
            when team_split is not null then 'input_field'
            when manifest_split is not null then 'manifest'
            when vl_tagged_split is not null then 'vl_user_tag'
            when file_name_split is not null then 'file_name'
            when path_segment_split is not null then 'path_segment'
        end as split_source,
        coalesce(
            nullif(trim(manifest_label_text), ''),
            nullif(trim(vl_label_text), ''),
            nullif(trim(team_label_text), '')
        ) as label_text,
        case
            when nullif(trim(manifest_label_text), '') is not null then 'manifest'
            when nullif(trim(vl_label_text), '') is not null then 'vl_image_label'
            when nullif(trim(team_label_text), '') is not null then 'team_clusters'
        end as label_source
    from with_split
),

final as (
    select
        ---------- ids
        resolved.image_id,
        resolved.media_id,

        ---------- strings
        resolved.image_path,
        {{ base_name('resolved.image_path') }} as file_name,
        resolved.split,
        resolved.split_source,
        resolved.label_text,
        resolved.label_source,
        resolved.manifest_split_text,
        resolved.manifest_label_text,
        resolved.vl_label_text,
        case
            when resolved.label_text is null then 'missing'
            when label_keys.is_ambiguous then 'ambiguous'
            when label_keys.class_index is null then 'unresolved'
            else 'resolved'
        end as label_status,

        ---------- numerics
        label_keys.class_index,
        vl_label_keys.class_index as vl_class_index,

        ---------- booleans
        resolved.is_in_manifest,
        resolved.is_in_vl_export,
        resolved.is_in_team_clusters
    from resolved
    left join label_keys
        on {{ label_lookup_key('resolved.label_text') }} = label_keys.label_key
    left join label_keys as vl_label_keys
        on {{ label_lookup_key('resolved.vl_label_text') }} = vl_label_keys.label_key
)

select * from final
