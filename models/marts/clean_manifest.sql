{#- Every image kept after cleaning, with its final label (the reviewers' relabel where
    there is one): the training manifest. -#}

with images as (
    select
        image_id,
        image_path,
        split,
        class_index
    from {{ ref('images') }}
),

removed as (
    select image_id from {{ ref('final_removals') }}
),

relabelled as (
    select
        image_id,
        new_class_index
    from {{ ref('relabels') }}
),

classes as (
    select
        class_index,
        wnid,
        clean_name
    from {{ ref(var('class_list_seed')) }}
),

final as (
    select
        images.image_id,
        images.image_path,
        images.split,
        classes.wnid,
        classes.clean_name as class_name,
        coalesce(relabelled.new_class_index, images.class_index) as class_index,
        images.class_index as original_class_index,
        relabelled.image_id is not null as is_relabelled
    from images
    left join removed on images.image_id = removed.image_id
    left join relabelled on images.image_id = relabelled.image_id
    left join classes
        on coalesce(relabelled.new_class_index, images.class_index) = classes.class_index
    where removed.image_id is null
)

select * from final
