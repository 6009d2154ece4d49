# SSH only from the bastion subnet, the app port only from the load balancer subnet.
resource "aws_security_group" "app" {
  name        = "report-service"
  description = "Report service instances"
  vpc_id      = var.vpc_id

  ingress {
    description = "SSH from the bastion subnet"
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.bastion_cidr]
  }

  ingress {
    description = "HTTP from the load balancer subnet"
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [var.lb_cidr]
  }

  egress {
    description = "HTTPS to the VPC endpoints"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [var.vpc_cidr]
  }
}

variable "vpc_id" {
  type = string
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "bastion_cidr" {
  type    = string
  default = "10.0.1.0/24"
}

variable "lb_cidr" {
  type    = string
  default = "10.0.2.0/24"
}
