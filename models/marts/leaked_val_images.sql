{#- One row per val image of a train-val leak (R3), not one per val x train pair: the val
    image with its train duplicates' ids and labels, whether the labels agree, and the
    action. Every row here is removed from val; train images never are. -#}

with members as (
    select
        cluster_id,
        image_id,
        media_id,
        image_path,
        split,
        class_index,
        class_name
    from {{ ref('duplicate_cluster_members') }}
),

leaks as (
    select
        cluster_id,
        threshold
    from {{ ref('leaks') }}
),

train_members as (
    select members.*
    from members
    inner join leaks on members.cluster_id = leaks.cluster_id
    where members.split = 'train'
),

val_members as (
    select
        members.*,
        leaks.threshold
    from members
    inner join leaks on members.cluster_id = leaks.cluster_id
    where members.split = 'val'
),

val_joined_to_train as (
    select
        val_members.cluster_id,
        val_members.image_id,
        {{ sorted_string_agg('train_members.image_id') }} as train_image_ids,
        {{ sorted_string_agg(
            'cast(train_members.class_index as ' ~ dbt.type_string() ~ ')', distinct=true
        ) }} as train_class_indices,
        count(*) as train_duplicates,
        {{ count_where(
            "val_members.class_index is not null"
            ~ " and train_members.class_index = val_members.class_index"
        ) }} as train_duplicates_with_same_label
    from val_members
    inner join train_members on val_members.cluster_id = train_members.cluster_id
    group by 1, 2
),

final as (
    select
        ---------- ids
        val_members.cluster_id,
        val_members.image_id,
        val_members.media_id,

        ---------- strings
        val_members.image_path,
        val_members.class_name,
        val_joined_to_train.train_image_ids,
        val_joined_to_train.train_class_indices,
        'remove' as action,
        'train_val_leak' as reason,
        case
            when val_joined_to_train.train_duplicates_with_same_label
                = val_joined_to_train.train_duplicates then 'medium'
            else 'high'
        end as priority,

        ---------- numerics
        val_members.class_index,
        val_joined_to_train.train_duplicates,
        val_members.threshold,

        ---------- booleans
        val_joined_to_train.train_duplicates_with_same_label
        = val_joined_to_train.train_duplicates as labels_agree
    from val_members
    inner join val_joined_to_train
        on val_members.cluster_id = val_joined_to_train.cluster_id
        and val_members.image_id = val_joined_to_train.image_id
)

select * from final
