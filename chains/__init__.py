"""Industry-chain quality (the Ningbo seed programme): chain owners' quality-consistency
agreements (质量一致性协议) with their supplier members, and joint research projects (联合攻关)
on a common quality problem."""
