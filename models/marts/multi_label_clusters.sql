{#- Duplicate clusters whose members carry more than one class after reconciliation (R5),
    one row per member: tagged multi_label and ambiguous_class, with the cluster's label
    counts, its majority label (the suggestion for review) and whether it is also a leak. -#}

with clusters as (
    select
        cluster_id,
        label_counts,
        distinct_labels,
        majority_class_index,
        split_mix,
        is_leak
    from {{ ref('duplicate_clusters') }}
    where is_multi_label
),

members as (
    select
        cluster_id,
        image_id,
        image_path,
        split,
        class_index,
        class_name
    from {{ ref('duplicate_cluster_members') }}
),

classes as (
    select
        class_index,
        clean_name
    from {{ ref(var('class_list_seed')) }}
),

final as (
    select
        ---------- ids
        clusters.cluster_id,
        members.image_id,

        ---------- strings
        members.image_path,
        members.split,
        members.class_name,
        clusters.label_counts,
        classes.clean_name as majority_class_name,
        clusters.split_mix,
        'multi_label;ambiguous_class' as system_tags,
        case
            when members.split = 'val' and clusters.is_leak then 'remove'
            {%- if policy_var('multi_label_policy', ['review', 'remove_val']) == 'remove_val' %}
            when members.split = 'val' then 'remove'
            {%- endif %}
            else 'review'
        end as action,

        ---------- numerics
        members.class_index,
        clusters.distinct_labels,
        clusters.majority_class_index,

        ---------- booleans
        clusters.is_leak
    from clusters
    inner join members on clusters.cluster_id = members.cluster_id
    left join classes on clusters.majority_class_index = classes.class_index
)

select * from final
