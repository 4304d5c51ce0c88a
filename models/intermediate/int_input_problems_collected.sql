{#- Everything wrong or suspicious in the inputs, one row per finding, naming the file,
    the record and the field: the file-level checks (int_input_file_problems_collected),
    the image-level ones (labels that name no class, unknown splits, images outside the
    manifest) and the decision-log ones. Errors stop the build (post-hook on
    input_problems); warnings are counted in the summary. -#}

with images as (
    {#- One pass over the million images keeps only the few with something to report. #}
    select
        image_id,
        media_id,
        image_path,
        split,
        label_text,
        label_source,
        label_status,
        class_index,
        vl_class_index,
        vl_label_text,
        is_in_manifest,
        is_in_vl_export,
        is_in_team_clusters
    from {{ ref('images') }}
    where label_status != 'resolved'
        or split is null
        or (label_source = 'manifest' and vl_class_index != class_index)
        or ((is_in_vl_export or is_in_team_clusters) and not is_in_manifest)
),

clusters as (
    select
        image_id,
        cluster_id
    from {{ ref('int_duplicate_clusters_merged') }}
    where cluster_size > 1
),

image_problems as (
    select
        'warning',
        concat('label_', label_status),
        cast(null as {{ dbt.type_string() }}),
        concat('image ', image_id),
        label_source,
        label_text,
        case label_status
            when 'missing' then 'no label in any input'
            when 'ambiguous' then 'the label names more than one class; not guessed'
            else 'the label names no class in the class list; not guessed'
        end,
        image_id
    from images
    where label_status != 'resolved'
    union all
    select
        'warning',
        'label_disagrees_with_manifest',
        cast(null as {{ dbt.type_string() }}),
        concat('image ', image_id),
        'image_label.category_name',
        vl_label_text,
        concat(
            'VL says class ', cast(vl_class_index as {{ dbt.type_string() }}),
            ', the manifest says ', label_text, '; the manifest wins'
        ),
        image_id
    from images
    where label_source = 'manifest' and vl_class_index is not null
        and vl_class_index != class_index
    union all
    select
        'warning',
        'not_in_manifest',
        cast(null as {{ dbt.type_string() }}),
        concat('image ', image_id),
        case when is_in_vl_export then 'file_path' else 'team clusters path' end,
        image_path,
        case when is_in_vl_export then 'a VL media item matches no manifest path or file name'
            else 'an image of the team clusters file matches no manifest id or path'
        end,
        image_id
    from images
    where (is_in_vl_export or is_in_team_clusters) and not is_in_manifest
        and exists (
            select 1 from {{ ref('images') }} as manifest_images
            where manifest_images.is_in_manifest
        )
    union all
    select
        case when clusters.cluster_id is not null
                then '{{ "error" if policy_var("unknown_split_policy", ["error", "warn"]) == "error" else "warning" }}'
            else 'warning'
        end,
        case when clusters.cluster_id is not null
                then 'unknown_split_in_cluster'
            else 'unknown_split'
        end,
        vl_files.first_export_file,
        concat('image ', images.image_id),
        'split',
        images.image_path,
        case when clusters.cluster_id is not null
                then concat(
                        'split unknown (no split field, manifest, split tag, ImageNet file name or split folder)',
                        ' for a member of duplicate cluster ', clusters.cluster_id
                    )
            else 'split unknown (no split field, manifest, split tag, ImageNet file name or split folder)'
        end,
        images.image_id
    from images
    left join clusters on images.image_id = clusters.image_id
    left join {{ ref('int_media_items_deduplicated') }} as vl_files
        on images.media_id = vl_files.media_id
    where images.split is null
),

finding_problems as (
    select
        'warning',
        'unknown_issue_type',
        evidence_file,
        concat('image ', image_id),
        'issue_type',
        raw_issue_type,
        'an issue type the alias seed (issue_type_aliases) does not know; kept and queued',
        image_id
    from {{ ref('findings') }}
    where not is_known_issue_type
    union all
    select
        'warning',
        'finding_for_unknown_image',
        evidence_file,
        concat('image ', image_id),
        'image_id',
        image_id as value,
        'a finding names no image of the dataset; it is not queued',
        image_id
    from {{ ref('findings') }}
    where not is_known_image
),

unioned as (
    select * from {{ ref('int_input_file_problems_collected') }}
    union all
    select * from image_problems
    union all
    select * from finding_problems
    union all
    select * from {{ ref('int_review_problems_collected') }}
)

select * from unioned
