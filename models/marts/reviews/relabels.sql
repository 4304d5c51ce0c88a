{#- The relabel map (R6): images a reviewer decision gives a new, valid, different class;
    never from VL's suggestion alone, never for a removed image. -#}

with actions as (
    select * from {{ ref('int_final_actions_resolved') }}
    where final_action = 'relabel'
),

images as (
    select
        image_id,
        image_path,
        class_name
    from {{ ref('images') }}
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
        actions.image_id,
        images.image_path,
        actions.split,
        images.class_name as old_class_name,
        classes.wnid as new_wnid,
        classes.clean_name as new_class_name,
        actions.decided_by,
        actions.evidence,
        actions.decided_at,
        actions.class_index as old_class_index,
        actions.new_class_index
    from actions
    inner join images on actions.image_id = images.image_id
    inner join classes on actions.new_class_index = classes.class_index
)

select * from final
