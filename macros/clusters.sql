{% macro connected_components(memberships, node_column, group_column, rounds) -%}
    {#- Connected components of the bipartite node-group graph, as portable SQL.
        Nodes and groups are first numbered (dense_rank in id order), so the rounds join
        integers, not long path and group-key strings: ten times faster on ten million
        similarity pairs. Each round lets every group take the smallest label of its
        members and every node the smallest label of its groups, then jumps each label to
        its own label (pointer jumping), so long chains merge in a logarithmic number of
        rounds. Labels are node numbers in id order, so a component's label is its smallest
        member: stable however the input files are chunked. The test `components_converged`
        fails if `rounds` was too few.
        Expands to CTEs named cc_*; the last one, cc_components, has (node_id, component_id). -#}
    cc_pairs as (
        select
            cast({{ node_column }} as {{ dbt.type_string() }}) as node_key,
            cast({{ group_column }} as {{ dbt.type_string() }}) as group_key
        from {{ memberships }}
    ),

    cc_nodes as (
        select node_key, dense_rank() over (order by node_key) as node_id
        from (select distinct node_key from cc_pairs) as distinct_nodes
    ),

    cc_groups as (
        select group_key, dense_rank() over (order by group_key) as group_id
        from (select distinct group_key from cc_pairs) as distinct_groups
    ),

    cc_edges as (
        select distinct cc_nodes.node_id, cc_groups.group_id
        from cc_pairs
        inner join cc_nodes on cc_pairs.node_key = cc_nodes.node_key
        inner join cc_groups on cc_pairs.group_key = cc_groups.group_key
    ),

    cc_labels_0 as (
        select node_id, node_id as label from cc_nodes
    ),
    {% for i in range(1, rounds + 1) %}
    cc_group_labels_{{ i }} as (
        select cc_edges.group_id, min(cc_labels_{{ i - 1 }}.label) as label
        from cc_edges
        inner join cc_labels_{{ i - 1 }} on cc_edges.node_id = cc_labels_{{ i - 1 }}.node_id
        group by 1
    ),

    cc_node_labels_{{ i }} as (
        select cc_edges.node_id, min(cc_group_labels_{{ i }}.label) as label
        from cc_edges
        inner join cc_group_labels_{{ i }}
            on cc_edges.group_id = cc_group_labels_{{ i }}.group_id
        group by 1
    ),

    cc_labels_{{ i }} as (
        select
            node_labels.node_id,
            least(node_labels.label, coalesce(label_of_label.label, node_labels.label)) as label
        from cc_node_labels_{{ i }} as node_labels
        left join cc_node_labels_{{ i }} as label_of_label
            on node_labels.label = label_of_label.node_id
    ),
    {% endfor %}
    cc_components as (
        select nodes.node_key as node_id, anchors.node_key as component_id
        from cc_labels_{{ rounds }} as labels
        inner join cc_nodes as nodes on labels.node_id = nodes.node_id
        inner join cc_nodes as anchors on labels.label = anchors.node_id
    )
{%- endmacro %}


{% macro similarity_level(similarity) -%}
    {#- The level a similarity pair counts at: its similarity, or var duplicate_threshold
        when it is at or above it (a pair at 1.0 is also a duplicate at 0.99), so the
        exact clusters (level = threshold) and the near-duplicate range both find it. -#}
    case
        when {{ similarity }} >= {{ var('duplicate_threshold') }} - 0.0000001
            then cast({{ var('duplicate_threshold') }} as {{ dbt.type_float() }})
        else cast({{ similarity }} as {{ dbt.type_float() }})
    end
{%- endmacro %}
