{{ config(materialized='view') }}
{#- Runs after the file-level input checks, so bad input stops the build with its message
    before a million-row model or its tests can fail on it. -#}
{%- set _ = ref('int_input_file_problems_collected') %}

{#- Every image of every input, once, with the one id deliverables use: the manifest's id
    when a manifest is given (VL items are matched to it by dataset path, else by a file
    name unique in the manifest), otherwise the dataset-relative path. Split follows R1
    (first source that answers wins, never a default); the label is resolved to one class
    (manifest first, then VL's ground-truth label, then the team's file).
    A view: only the images mart reads it, so the million rows are stored once. -#}

with manifest as (
    select
        image_id,
        image_path,
        split_text,
        label_text
    from {{ ref('stg_dataset__manifest') }}
    where image_id is not null and image_id != ''
),

vl_labels as (
    select
        media_id,
        label_text,
        tagged_split
    from {{ ref('int_vl_labels_pivoted_to_media') }}
),

label_keys as (
    select
        label_key,
        class_index,
        is_ambiguous
    from {{ ref('int_class_label_keys') }}
),

vl_matched as (
    select
        media_id,
        image_id,
        dataset_path,
        manifest_match
    from {{ ref('int_media_items_matched_to_images') }}
),

team_matched as (
    select
        image_id,
        image_path,
        label_text,
        split_text,
        is_in_manifest
    from {{ ref('int_team_images_matched') }}
),

vl_per_image as (
    select
        vl_matched.image_id,
        min(vl_matched.media_id) as media_id,
        min(vl_matched.dataset_path) as vl_path,
        min(vl_labels.label_text) as vl_label_text,
        min(vl_labels.tagged_split) as vl_tagged_split,
        max(case when vl_matched.manifest_match = 'none' then 0 else 1 end) = 1
            as is_in_manifest
    from vl_matched
    left join vl_labels on vl_matched.media_id = vl_labels.media_id
    group by 1
),

team_per_image as (
    select
        image_id,
        min(image_path) as team_path,
        min(label_text) as team_label_text,
        min({{ normalized_split('split_text') }}) as team_split,
        max(case when is_in_manifest then 1 else 0 end) = 1 as is_in_manifest
    from team_matched
    group by 1
),

{#- The matching models already know what is in the manifest: no anti-join against it. #}

images_outside_manifest as (
    select image_id from vl_per_image
    where not is_in_manifest
    union
    select image_id from team_per_image
    where not is_in_manifest
),

joined as (
    select
        all_images.image_id,
        all_images.is_in_manifest,
        vl_per_image.image_id is not null as is_in_vl_export,
        team_per_image.image_id is not null as is_in_team_clusters,
        vl_per_image.media_id,
        coalesce(all_images.image_path, vl_per_image.vl_path, team_per_image.team_path)
            as image_path,
        all_images.split_text as manifest_split_text,
        team_per_image.team_split,
        {{ normalized_split('all_images.split_text') }} as manifest_split,
        vl_per_image.vl_tagged_split,
        all_images.label_text as manifest_label_text,
        vl_per_image.vl_label_text,
        team_per_image.team_label_text
    from (
        select
            image_id,
            image_path,
            split_text,
            label_text,
            true as is_in_manifest
        from manifest
        union all
        select
            image_id,
            cast(null as {{ dbt.type_string() }}),
            cast(null as {{ dbt.type_string() }}),
            cast(null as {{ dbt.type_string() }}),
            false
        from images_outside_manifest
    ) as all_images
    left join vl_per_image on all_images.image_id = vl_per_image.image_id
    left join team_per_image on all_images.image_id = team_per_image.image_id
),

resolved as (
    select
        joined.*,
        {#- R1: the first source that answers wins; the name patterns are only evaluated for
            images that no earlier source placed. -#}
        case
            when joined.team_split is not null then 'input_field'
            when joined.manifest_split is not null then 'manifest'
            when joined.vl_tagged_split is not null then 'vl_user_tag'
            when {{ split_from_file_name('image_path') }} is not null then 'file_name'
            when {{ split_from_path_segment('image_path') }} is not null then 'path_segment'
        end as split_source,
        case
            when nullif(trim(joined.manifest_label_text), '') is not null then 'manifest'
            when nullif(trim(joined.vl_label_text), '') is not null then 'vl_image_label'
            when nullif(trim(joined.team_label_text), '') is not null then 'team_clusters'
        end as label_source
    from joined
),

resolved_values as (
    select
        resolved.*,
        case resolved.split_source
            when 'input_field' then resolved.team_split
            when 'manifest' then resolved.manifest_split
            when 'vl_user_tag' then resolved.vl_tagged_split
            when 'file_name' then {{ split_from_file_name('image_path') }}
            when 'path_segment' then {{ split_from_path_segment('image_path') }}
        end as split,
        case resolved.label_source
            when 'manifest' then trim(resolved.manifest_label_text)
            when 'vl_image_label' then trim(resolved.vl_label_text)
            when 'team_clusters' then trim(resolved.team_label_text)
        end as label_text
    from resolved
),

final as (
    select
        ---------- ids
        resolved.image_id,
        resolved.media_id,

        ---------- strings
        resolved.image_path,
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
    from resolved_values as resolved
    left join label_keys
        on {{ label_lookup_key('resolved.label_text') }} = label_keys.label_key
    left join label_keys as vl_label_keys
        on {{ label_lookup_key('resolved.vl_label_text') }} = vl_label_keys.label_key
)

select * from final
