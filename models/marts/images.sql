{#- Every image of the dataset, once: its id, path, split (R1) and class, and the
    duplicate cluster it belongs to. The image dimension every other mart joins to. -#}

with images as (
    select * from {{ ref('int_images_resolved') }}
),

classes as (
    select
        class_index,
        wnid,
        clean_name
    from {{ ref(var('class_list_seed')) }}
),

clusters as (
    select
        image_id,
        cluster_id
    from {{ ref('int_duplicate_clusters_merged') }}
    where cluster_size > 1
),

final as (
    select
        ---------- ids
        images.image_id,
        images.media_id,
        clusters.cluster_id,

        ---------- strings
        images.image_path,
        images.split,
        images.split_source,
        classes.wnid,
        classes.clean_name as class_name,
        images.label_text,
        images.label_source,
        images.label_status,
        images.vl_label_text,

        ---------- numerics
        images.class_index,
        images.vl_class_index,

        ---------- booleans
        clusters.cluster_id is not null as is_duplicate,
        images.is_in_manifest,
        images.is_in_vl_export,
        images.is_in_team_clusters
    from images
    left join classes on images.class_index = classes.class_index
    left join clusters on images.image_id = clusters.image_id
)

select * from final
